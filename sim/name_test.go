package sim_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

func TestParseName(t *testing.T) {
	base := sim.DefaultConfig()
	got, err := sim.ParseName("sim/cheap?error=0.01&hard=0.2&hard_error=0.6&hard_steps=private&latency=5ms&out_tokens=300&flag_share=0.5&price_in=0.1&price_cached=0.05&price_out=0.4", base)
	if err != nil {
		t.Fatal(err)
	}
	want := base
	want.Name, want.ErrorRate, want.HardFraction, want.HardErrorRate, want.PrivateHard = "cheap", 0.01, 0.2, 0.6, true
	want.Latency, want.OutTokens, want.FlagShare = 5*time.Millisecond, 300, 0.5
	want.Pricing = maker.Pricing{InPerMTok: 0.1, CachedInPerMTok: 0.05, OutPerMTok: 0.4}
	if got != want {
		t.Errorf("ParseName:\n got %+v\nwant %+v", got, want)
	}
	if got, err := sim.ParseName("sim", base); err != nil || got != base {
		t.Errorf("sim: %+v, %v; want the base unchanged", got, err)
	}
	if got, err := sim.ParseName("sim/b", base); err != nil || got.Name != "b" || got.ErrorRate != base.ErrorRate {
		t.Errorf("sim/b: %+v, %v", got, err)
	}
	bad := []struct{ name, want string }{
		{"simx", "sim or sim/NAME"},
		{"sim/", "NAME must be"},
		{"sim/a b", "NAME must be"},
		{"sim/a?", "has no value"},
		{"sim/a?error", `"error" has no value`},
		{"sim/a?error=", `"error" has no value`},
		{"sim/a?eror=0.1", `unknown parameter "eror"`},
		{"sim/a?error=0.1&error=0.2", "given twice"},
		{"sim/a?error=-0.1", "parameter error"},
		{"sim/a?error=NaN", "parameter error"},
		{"sim/a?hard=2", "parameter hard"},
		{"sim/a?hard_steps=both", "parameter hard_steps"},
		{"sim/a?latency=-1s", "parameter latency"},
		{"sim/a?out_tokens=0", "parameter out_tokens"},
		{"sim/a?price_out=-1", "parameter price_out"},
		{"sim/a?price_in=Inf", "parameter price_in"},
		// A price whose costs could overflow to infinity.
		{"sim/a?price_in=1e308", "parameter price_in: want a price from 0 to 10000 USD per million tokens"},
		{"sim/a?price_out=10000.5", "parameter price_out: want a price from 0 to 10000"},
		{"sim/a?price_cached=NaN", "parameter price_cached"},
	}
	for _, tc := range bad {
		_, err := sim.ParseName(tc.name, base)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %v; want one line with %q", tc.name, err, tc.want)
		}
	}
}

// Named models with one seed draw independent streams; hard steps shared
// between them coincide and repeat one wrong answer, private ones do not.
func TestNamedStreams(t *testing.T) {
	task, _ := hanoi.New(12)
	open := func(name string) *sim.Model {
		cfg, err := sim.ParseName(name, sim.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		m, err := sim.New(task, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	// Unnamed and named streams differ: two models with error 0.5 agree
	// on right-or-wrong about half the time, not always.
	a, b := open("sim/a?error=0.5&flag_share=0"), open("sim/b?error=0.5&flag_share=0")
	a2 := open("sim/a?error=0.5&flag_share=0")
	p := task.Prompt(task.Initial(), "", 0)
	same, again := 0, 0
	const n = 400
	for i := 0; i < n; i++ {
		req := maker.Request{Prompt: p, Step: 0, Sample: i, MaxTokens: 750}
		ra, _ := a.Generate(context.Background(), req)
		rb, _ := b.Generate(context.Background(), req)
		ra2, _ := a2.Generate(context.Background(), req)
		if ra.Text == rb.Text {
			same++
		}
		if ra.Text == ra2.Text {
			again++
		}
	}
	if again != n {
		t.Errorf("one name, one seed: %d of %d samples the same, want all", again, n)
	}
	if same > n*3/4 {
		t.Errorf("two names: %d of %d samples the same; their streams are not independent", same, n)
	}

	for _, mode := range []string{"shared", "private"} {
		q := "?hard=0.05&hard_steps=" + mode
		x, y := open("sim/x"+q), open("sim/y"+q)
		both, hx, hy := 0, 0, 0
		for step := 0; step < task.Steps(); step++ {
			if x.Hard(step) {
				hx++
			}
			if y.Hard(step) {
				hy++
			}
			if x.Hard(step) && y.Hard(step) {
				both++
			}
		}
		switch {
		case hx < 100 || hy < 100:
			t.Errorf("%s: %d and %d hard steps of %d, want about 5%%", mode, hx, hy, task.Steps())
		case mode == "shared" && (both != hx || hx != hy):
			t.Errorf("shared: %d and %d hard steps, %d in common; want the same steps", hx, hy, both)
		case mode == "private" && both > hx/4:
			t.Errorf("private: %d and %d hard steps, %d in common; want about 5%% of them", hx, hy, both)
		}
	}
	if _, err := sim.New(task, sim.Config{PrivateHard: true, OutTokens: 1}); err == nil {
		t.Error("private hard steps without a name accepted")
	}
}
