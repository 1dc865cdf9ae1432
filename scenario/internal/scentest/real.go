package scentest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/sim"
)

// This file holds the checks of the scenarios that act on real systems
// (apitest, deploy, migrate), whose runs need a live service, fleet or
// database around each one.

// SimModel is the simulator over oracle with the given seed and error rate.
func SimModel(tb testing.TB, oracle maker.Oracle, seed uint64, errRate float64) *sim.Model {
	tb.Helper()
	cfg := sim.DefaultConfig()
	cfg.Seed, cfg.ErrorRate = seed, errRate
	m, err := sim.New(oracle, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// PlannedSim is the simulator over oracle at its default configuration and
// the k that plan gives it for a 95% chance over steps: the setting the
// benchmarks measure.
func PlannedSim(tb testing.TB, oracle maker.Oracle, steps int) (*sim.Model, int) {
	tb.Helper()
	cfg := sim.DefaultConfig()
	m, err := sim.New(oracle, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	k, err := plan.KMin(1-cfg.ErrorRate, steps, 0.95, 1)
	if err != nil {
		tb.Fatal(err)
	}
	return m, k
}

// ReportRun reports a benchmarked run's steps, k, samples and input tokens
// per call.
func ReportRun(b *testing.B, s maker.Summary, k int) {
	b.ReportMetric(float64(s.Steps), "steps")
	b.ReportMetric(float64(k), "k")
	b.ReportMetric(float64(s.Samples), "samples")
	b.ReportMetric(float64(s.InputTokens)/float64(s.Samples), "in-tok/call")
}

// RejectsParse checks that parse rejects every text with an error that
// wraps [maker.ErrMalformed]: each is an answer that must be red-flagged,
// never repaired.
func RejectsParse[C any](t *testing.T, parse func(string) (C, error), texts ...string) {
	t.Helper()
	for _, text := range texts {
		if _, err := parse(text); !errors.Is(err, maker.ErrMalformed) {
			t.Errorf("Parse(%q) = %v, want maker.ErrMalformed", text, err)
		}
	}
}

// RejectsBadFiles writes each file's Body into a temporary directory under
// name and checks that load rejects it with an error that names the file
// and contains its Want, the part that says what is wrong.
func RejectsBadFiles(t *testing.T, name string, load func(string) error, files []struct{ Name, Body, Want string }) {
	t.Helper()
	dir := t.TempDir()
	for _, tt := range files {
		t.Run(tt.Name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(tt.Body), 0o644); err != nil {
				t.Fatal(err)
			}
			err := load(p)
			if err == nil || !strings.Contains(err.Error(), tt.Want) || !strings.Contains(err.Error(), p) {
				t.Fatalf("load = %v, want an error naming the file and %q", err, tt.Want)
			}
		})
	}
}

// VotingPreventsWrongRuns is a real scenario's claim: with a simulator
// wrong at errRate, runs at k=1 go wrong and runs at the planned k (k_min
// for a 95% target over steps) do not. wrong runs seed 1..runs at margin k
// and reports whether that run went wrong. All but one k=1 run must go
// wrong, and at most maxBad planned ones; the caller derives maxBad from
// the sample size. It returns the planned k.
func VotingPreventsWrongRuns(t *testing.T, steps, runs int, errRate float64, maxBad int, wrong func(seed uint64, k int) bool) int {
	t.Helper()
	kPlan, err := plan.KMin(1-errRate, steps, 0.95, 1)
	if err != nil {
		t.Fatal(err)
	}
	bad := func(k int) int {
		n := 0
		for seed := uint64(1); seed <= uint64(runs); seed++ {
			if wrong(seed, k) {
				n++
			}
		}
		return n
	}
	b1, bk := bad(1), bad(kPlan)
	t.Logf("%d steps, error rate %g: k=1 went wrong in %d of %d runs, k=%d in %d", steps, errRate, b1, runs, kPlan, bk)
	if b1 < runs-1 || bk > maxBad {
		t.Fatalf("k=1: %d bad of %d; k=%d: %d bad", b1, runs, kPlan, bk)
	}
	return kPlan
}
