package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestPlanRefusesNonsenseNumbers: a number no plan can be made of is a
// usage error naming the flag, never a plan that quietly leaves it out
// (a negative price used to plan a free run).
func TestPlanRefusesNonsenseNumbers(t *testing.T) {
	base := []string{"plan", "--p", "0.99", "--steps", "1000"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--price-in", "-5"}, "--price-in: want a price from 0 to 10000 USD per million tokens, got -5"},
		{[]string{"--price-out", "NaN"}, "--price-out: want a price from 0 to 10000"},
		{[]string{"--price-in", "Inf"}, "--price-in: want a price from 0 to 10000"},
		{[]string{"--price-in", "1e308"}, "--price-in: want a price from 0 to 10000"},
		{[]string{"--price-cached", "-1"}, "--price-cached: want a price"},
		{[]string{"--in-tokens", "-5"}, "--in-tokens: want"},
		{[]string{"--out-tokens", "NaN"}, "--out-tokens: want"},
		{[]string{"--cached-tokens", "-1"}, "--cached-tokens: want"},
		{[]string{"--target", "2"}, "--target: want"},
		{[]string{"--v", "0"}, "--v: want"},
		{[]string{"--m", "0"}, "--m: want"},
		{[]string{"--latency", "-1s"}, "--latency: want"},
		{[]string{"--concurrency", "-1"}, "--concurrency: want"},
		{[]string{"--rounds", "-3"}, "--rounds: want"},
		{[]string{"--steps", "-1"}, "--steps: want"},
		{[]string{"--p", "NaN,0.99", "--model", "sim/a,sim/b"}, "--p: want"},
		{[]string{"--model", "sim/a?price_in=1e308"}, "parameter price_in"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), append(append([]string{}, base...), c.args...), &out, &errb)
		msg := strings.TrimSpace(errb.String())
		if code != exitUsage || !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
			t.Errorf("plan %s: exit %d, %q; want exit %d and one line with %q", strings.Join(c.args, " "), code, msg, exitUsage, c.want)
		}
	}
}
