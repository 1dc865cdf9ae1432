package calibrate_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/calibrate"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

func probes(t *testing.T, disks, n int, seed uint64) (*hanoi.Task, []calibrate.Probe[hanoi.State]) {
	t.Helper()
	task, _ := hanoi.New(disks)
	rng := rand.New(rand.NewPCG(seed, 1))
	idx := rng.Perm(task.Steps())[:n]
	var out []calibrate.Probe[hanoi.State]
	for _, r := range hanoi.Reference(disks, idx) {
		out = append(out, calibrate.Probe[hanoi.State]{Step: r.Step, State: r.Before, Prev: r.Prev, Right: r.Right})
	}
	if len(out) != n {
		t.Fatalf("got %d probes, want %d", len(out), n)
	}
	return task, out
}

// TestRecoversErrorRate: over 20 seeds, the 95% interval of the measured
// error rate contains the simulator's configured rate in at least 16 (the
// chance of fewer, if coverage is 95%, is under 2%).
func TestRecoversErrorRate(t *testing.T) {
	task, pr := probes(t, 12, 1000, 7)
	covered := 0
	for seed := range uint64(20) {
		cfg := sim.DefaultConfig()
		cfg.Seed = seed + 1
		cfg.ErrorRate = 0.03
		cfg.HardFraction = 0
		m, _ := sim.New(task, cfg)
		rep, err := calibrate.Run(context.Background(), task, m, pr, calibrate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Samples != 2000 || !rep.Simulated {
			t.Fatalf("report: %+v", rep)
		}
		if rep.ErrorRate.Lo <= cfg.ErrorRate && cfg.ErrorRate <= rep.ErrorRate.Hi {
			covered++
		}
		// The flagged share of errors shows as v < 1.
		if want := 1 - cfg.ErrorRate*cfg.FlagShare; rep.V > 1 || rep.V < want-0.02 {
			t.Errorf("seed %d: v = %.4f, want about %.4f", seed, rep.V, want)
		}
	}
	if covered < 16 {
		t.Fatalf("the interval held the true rate in %d of 20 seeds", covered)
	}
}

// TestFindsHardStepsAsCollisions: the simulator's hard steps repeat one
// wrong answer, so two samples there are often both wrong; at the base rate
// of 0.2% a collision elsewhere is very unlikely.
func TestFindsHardStepsAsCollisions(t *testing.T) {
	task, pr := probes(t, 12, 1500, 3)
	cfg := sim.DefaultConfig()
	cfg.HardFraction = 0.03
	cfg.HardErrorRate = 0.6
	m, _ := sim.New(task, cfg)
	rep, err := calibrate.Run(context.Background(), task, m, pr, calibrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Collisions < 3 || float64(rep.Collisions) < 3*rep.ExpectedCollisions {
		t.Fatalf("%d collisions, %.2f expected under independence", rep.Collisions, rep.ExpectedCollisions)
	}
	for _, step := range rep.CollisionSteps {
		if !m.Hard(step - 1) {
			t.Errorf("collision at step %d, which is not a hard step", step)
		}
	}
}

func TestNoProbes(t *testing.T) {
	task, _ := hanoi.New(3)
	m, _ := sim.New(task, sim.DefaultConfig())
	if _, err := calibrate.Run(context.Background(), task, m, nil, calibrate.Options{}); err == nil {
		t.Fatal("no probes accepted")
	}
}

// storyteller answers every prompt with a story cut off at the token limit,
// as a tiny language model that cannot do the task does.
type storyteller struct{}

func (storyteller) Generate(_ context.Context, req maker.Request) (maker.Response, error) {
	return maker.Response{Text: "Once upon a time there was a little girl", OutputTokens: req.MaxTokens, Finish: maker.FinishLength}, nil
}

// TestNoValidAnswerIsNoEvidence: when every answer is red-flagged there is
// nothing to judge, and the rate among valid answers is the whole interval
// at its worst end, not a perfect score.
func TestNoValidAnswerIsNoEvidence(t *testing.T) {
	task, ps := probes(t, 4, 5, 1)
	rep, err := calibrate.Run(context.Background(), task, storyteller{}, ps, calibrate.Options{MaxTokens: 50})
	if err != nil {
		t.Fatal(err)
	}
	if rep.V != 0 || rep.Flagged["truncated"] != rep.Samples {
		t.Fatalf("v = %g, flagged %v of %d samples", rep.V, rep.Flagged, rep.Samples)
	}
	want := calibrate.Interval{Value: 1, Lo: 0, Hi: 1, N: 0}
	if rep.VoteErrorRate != want || rep.NoFlagErrorRate != want {
		t.Errorf("vote error rate %+v, no-flag error rate %+v; want %+v", rep.VoteErrorRate, rep.NoFlagErrorRate, want)
	}
	if rep.ErrorRate.Value != 1 || rep.ErrorRate.N != rep.Samples {
		t.Errorf("error rate %+v, want 1 over %d samples", rep.ErrorRate, rep.Samples)
	}
}

// TestValidatorRejectionsDoNotVote: a task's validator discards samples
// before they vote in a run, so calibration counts them as red flags
// (flag "invalid") and measures p among the samples that would vote.
func TestValidatorRejectionsDoNotVote(t *testing.T) {
	task, pr := probes(t, 10, 500, 3)
	cfg := sim.DefaultConfig()
	cfg.Seed = 5
	cfg.ErrorRate = 0.1
	cfg.HardFraction = 0
	reps := make([]*calibrate.Report, 2)
	for i, tk := range []maker.Task[hanoi.State]{task, task.WithRules()} {
		m, _ := sim.New(task, cfg)
		rep, err := calibrate.Run(context.Background(), tk, m, pr, calibrate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		reps[i] = rep
	}
	plain, ruled := reps[0], reps[1]
	if plain.Flagged[maker.FlagInvalid] != 0 || ruled.Flagged[maker.FlagInvalid] == 0 {
		t.Fatalf("invalid flags: plain %d, with rules %d; want 0 and some", plain.Flagged[maker.FlagInvalid], ruled.Flagged[maker.FlagInvalid])
	}
	// The same samples (the same seed): the rules only take wrong answers
	// away from the vote, so v falls and the vote's error rate falls.
	if ruled.V >= plain.V || ruled.VoteErrorRate.Value >= plain.VoteErrorRate.Value {
		t.Fatalf("with rules v %.4f, vote error %.4f; plain v %.4f, vote error %.4f", ruled.V, ruled.VoteErrorRate.Value, plain.V, plain.VoteErrorRate.Value)
	}
	if ruled.ErrorRate != plain.ErrorRate {
		t.Fatalf("the error rate of all samples changed: %+v, %+v", ruled.ErrorRate, plain.ErrorRate)
	}
}
