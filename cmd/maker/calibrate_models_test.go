package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker/runs"
)

// TestCalibrateChoosesTheCheapestModel calibrates three simulated models on
// the same steps: a strong dear one, a middling one and a cheap weak one
// whose error rate needs so many votes that it costs most. The table marks
// the middling one, and each row's projected cost and wall time are what
// maker plan prints for the same inputs, one model at a time and as a list.
func TestCalibrateChoosesTheCheapestModel(t *testing.T) {
	models := []string{
		"sim/strong?error=0.001&price_in=2&price_out=8&latency=1ms",
		"sim/mid?error=0.01&price_in=0.4&price_out=1.6&latency=1ms",
		"sim/weak?error=0.4&price_in=0.1&price_out=0.3&latency=1ms",
	}
	args := []string{"calibrate", "--disks", "10", "--samples", "400", "--target", "0.9", "--json"}
	for _, m := range models {
		args = append(args, "--model", m)
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), args, &out, &errb); code != exitOK {
		t.Fatalf("calibrate: exit %d: %s", code, errb.String())
	}
	var got runs.ModelChoice
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("calibrate JSON %q: %v", out.String(), err)
	}
	if len(got.Models) != 3 || got.Steps != 1023 || got.Probes != 200 {
		t.Fatalf("calibrate: %d rows, %d steps, %d probes", len(got.Models), got.Steps, got.Probes)
	}
	if got.Cheapest != models[1] {
		t.Errorf("cheapest is %q, want %q", got.Cheapest, models[1])
	}
	plan := func(args ...string) []byte {
		t.Helper()
		var out, errb bytes.Buffer
		args = append([]string{"plan", "--steps", "1023", "--target", "0.9", "--json"}, args...)
		if code := run(context.Background(), args, &out, &errb); code != exitOK {
			t.Fatalf("plan %q: exit %d: %s", args, code, errb.String())
		}
		return out.Bytes()
	}
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	lat := func(sec float64) string { return fmt.Sprintf("%dns", int64(math.Round(sec*float64(time.Second)))) }
	var list [5][]string
	var cheapest float64 = math.Inf(1)
	for _, r := range got.Models {
		if !r.MeetsTarget || !r.PriceKnown || r.CostUSD <= 0 || r.WallSeconds <= 0 || (r.Model == got.Cheapest) != r.Cheapest {
			t.Errorf("%s: row %+v", r.Model, r)
		}
		if r.PLo > r.P || r.P > r.PHi {
			t.Errorf("%s: p %g outside its interval %g-%g", r.Model, r.P, r.PLo, r.PHi)
		}
		cheapest = math.Min(cheapest, r.CostUSD)
		in := []string{num(r.P), num(r.V), num(r.MeanInputTokens), num(r.MeanOutputTokens), lat(r.LatencyP90Seconds)}
		for i := range in {
			list[i] = append(list[i], in[i])
		}
		var pl struct {
			KMin  int     `json:"k_min"`
			Cost  float64 `json:"expected_cost_usd"`
			Wall  float64 `json:"expected_wall_seconds"`
			Price struct {
				In float64 `json:"in_per_mtok"`
			} `json:"prices"`
		}
		b := plan("--model", r.Model, "--p", in[0], "--v", in[1], "--in-tokens", in[2], "--out-tokens", in[3], "--latency", in[4])
		if err := json.Unmarshal(b, &pl); err != nil {
			t.Fatal(err)
		}
		if pl.KMin != r.KMin || pl.Cost != r.CostUSD || pl.Wall != r.WallSeconds {
			t.Errorf("%s: calibrate projects k_min %d, $%v, %vs; maker plan says k_min %d, $%v, %vs", r.Model, r.KMin, r.CostUSD, r.WallSeconds, pl.KMin, pl.Cost, pl.Wall)
		}
	}
	if c := got.Models[1].CostUSD; c != cheapest {
		t.Errorf("the marked model costs $%v, the cheapest row $%v", c, cheapest)
	}
	// maker plan with the same list gives the same rows and the same mark.
	var listed runs.ModelChoice
	b := plan("--model", strings.Join(models, ","), "--p", strings.Join(list[0], ","), "--v", strings.Join(list[1], ","),
		"--in-tokens", strings.Join(list[2], ","), "--out-tokens", strings.Join(list[3], ","), "--latency", strings.Join(list[4], ","))
	if err := json.Unmarshal(b, &listed); err != nil {
		t.Fatal(err)
	}
	if listed.Cheapest != got.Cheapest || len(listed.Models) != len(got.Models) {
		t.Fatalf("plan over the list: cheapest %q, %d rows", listed.Cheapest, len(listed.Models))
	}
	for i, r := range listed.Models {
		if r.CostUSD != got.Models[i].CostUSD || r.WallSeconds != got.Models[i].WallSeconds {
			t.Errorf("%s: plan over the list $%v %vs, calibrate $%v %vs", r.Model, r.CostUSD, r.WallSeconds, got.Models[i].CostUSD, got.Models[i].WallSeconds)
		}
	}
}

func TestModelListErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"hanoi", "--disks", "3", "--model", "sim/a?eror=0.1"}, `unknown parameter "eror"`},
		{[]string{"hanoi", "--disks", "3", "--model", "sim/a?error=1.5"}, "parameter error: want a number from 0 to 1"},
		{[]string{"hanoi", "--disks", "3", "--model", "sim/a?hard_steps=some"}, "parameter hard_steps"},
		{[]string{"hanoi", "--disks", "3", "--model", "sim/a?latency"}, `parameter "latency" has no value`},
		{[]string{"hanoi", "--disks", "3", "--model", "sim/a?error=0.1&error=0.2"}, `"error" given twice`},
		{[]string{"hanoi", "--disks", "3", "--model", "sim/a,sim/a?error=0.1"}, "sim/a is listed twice"},
		{[]string{"hanoi", "--disks", "3", "--model", "sim/a=0,sim/b"}, "the weight of \"sim/a\""},
		{[]string{"hanoi", "--disks", "3", "--model", "sim/a,"}, "an empty model name"},
		{[]string{"hanoi", "--disks", "3", "--model", "sim/a b"}, "NAME must be"},
		{[]string{"calibrate", "--model", "sim/a=2"}, "takes no weight"},
		{[]string{"plan", "--steps", "10", "--model", "sim/a,sim/b", "--p", "0.9,0.9,0.9"}, "--p takes one value, or one per --model (2), got 3"},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		code := run(context.Background(), tc.args, &out, &errb)
		if code != exitUsage || !strings.Contains(errb.String(), tc.want) || strings.Count(strings.TrimSpace(errb.String()), "\n") > 0 {
			t.Errorf("%q: exit %d, %q; want exit %d and one line with %q", tc.args, code, errb.String(), exitUsage, tc.want)
		}
	}
}
