package hanoi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

func run(t *testing.T, disks, k int, cfg sim.Config) *maker.Result[hanoi.State] {
	t.Helper()
	task, err := hanoi.New(disks)
	if err != nil {
		t.Fatal(err)
	}
	m, err := sim.New(task, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := maker.Run(context.Background(), task, m, maker.Config{K: k, Ordered: true})
	if err != nil && res == nil {
		t.Fatal(err)
	}
	return res
}

func TestSmallTowers(t *testing.T) {
	for _, n := range []int{3, 4, 5} {
		res := run(t, n, 3, sim.DefaultConfig())
		s := res.Summary
		if !s.Success || s.WrongSteps != 0 || s.Steps != hanoi.Steps(n) || !res.State.Solved() || !s.Simulated {
			t.Fatalf("%d disks: %+v", n, s)
		}
		i := 1
		for m := range hanoi.Solution(n) {
			if res.Actions[i-1] != m.String() {
				t.Fatalf("%d disks: move %d = %s, want %s", n, i, res.Actions[i-1], m)
			}
			i++
		}
	}
}

// TestVotingBeatsSingleSamples: at a 25% error rate over many seeds, k=1
// fails far more often than k=3, and k=3 rarely fails at all.
func TestVotingBeatsSingleSamples(t *testing.T) {
	const seeds = 40
	fails := map[int]int{}
	for _, k := range []int{1, 3} {
		for seed := range uint64(seeds) {
			cfg := sim.DefaultConfig()
			cfg.Seed = seed + 1
			cfg.ErrorRate = 0.25
			if res := run(t, 4, k, cfg); !res.Summary.Success {
				fails[k]++
			}
		}
	}
	// One sample per step with p=0.75 succeeds on all 15 steps with
	// probability about 0.75^15 ≈ 1.3%, so k=1 fails nearly always. With
	// k=3 (and a quarter of the errors red-flagged) a step goes wrong with
	// probability about r^3/(1+r^3) ≈ 0.014, r=0.19/0.81, so about 19% of
	// runs fail; the bound below leaves room for the sampling spread.
	if fails[1] < seeds*9/10 || fails[3] > fails[1]/2 {
		t.Fatalf("failures over %d seeds: k=1 %d, k=3 %d", seeds, fails[1], fails[3])
	}
	t.Logf("failures over %d seeds: k=1 %d, k=3 %d", seeds, fails[1], fails[3])
}

func TestRedFlagsCatchMalformedAndRambling(t *testing.T) {
	cfg := sim.DefaultConfig()
	cfg.ErrorRate = 0.3
	cfg.FlagShare = 1 // every error is malformed or over-long
	res := run(t, 5, 2, cfg)
	s := res.Summary
	if !s.Success || s.WrongSteps != 0 {
		t.Fatalf("with only flaggable errors, voting must not go wrong: %+v", s)
	}
	if s.Flagged[maker.FlagMalformed] == 0 || s.Flagged[maker.FlagTooLong]+s.Flagged[maker.FlagTruncated] == 0 {
		t.Fatalf("flags = %v", s.Flagged)
	}
	if s.Samples != s.ValidVotes+s.FlaggedTotal()+s.Cancelled {
		t.Fatalf("samples do not add up: %+v", s)
	}
}

func TestReproducible(t *testing.T) {
	cfg := sim.DefaultConfig()
	cfg.ErrorRate = 0.2
	a, b := run(t, 6, 2, cfg), run(t, 6, 2, cfg)
	if strings.Join(a.Actions, ";") != strings.Join(b.Actions, ";") || a.Summary.Samples != b.Summary.Samples {
		t.Fatal("same seed, different runs")
	}
	cfg.Seed++
	if c := run(t, 6, 2, cfg); c.Summary.Samples == a.Summary.Samples && c.Summary.OutputTokens == a.Summary.OutputTokens {
		t.Fatal("another seed gave the very same run")
	}
}

func TestPromptTemplate(t *testing.T) {
	tmpl, err := hanoi.ParseTemplate("custom", "Last: {{.Prev}}\nNow: {{.State}}\nDisks: {{.Disks}}. Answer with move and next_state.")
	if err != nil {
		t.Fatal(err)
	}
	task, _ := hanoi.New(3)
	task = task.WithTemplate(tmpl)
	p := task.Prompt(task.Initial(), "", 0)
	if !strings.Contains(p.User, "Now: [[3, 2, 1], [], []]") || !strings.Contains(p.User, "Last: none") {
		t.Fatalf("user prompt = %q", p.User)
	}
	m, _ := sim.New(task, sim.DefaultConfig())
	res, err := maker.Run(context.Background(), task, m, maker.Config{K: 2})
	if err != nil || !res.Summary.Success {
		t.Fatalf("custom template run: %v %+v", err, res.Summary)
	}
	for _, bad := range []string{"no fields", "{{.Prev}} only", "{{.State}} {{.Prev}} {{.Nope}}", "{{.State}} {{.Prev"} {
		if _, err := hanoi.ParseTemplate("bad", bad); err == nil {
			t.Errorf("template %q accepted", bad)
		}
	}
}
