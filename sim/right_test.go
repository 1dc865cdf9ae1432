package sim_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

// countingOracle is a Hanoi oracle that counts the full answers it writes
// (the right one and every wrong one) and, with right set, also writes the
// right answer alone.
type countingOracle struct {
	task *hanoi.Task
	full atomic.Int64
}

func (o *countingOracle) Answer(p maker.Prompt) (maker.Answer, error) {
	o.full.Add(1)
	return o.task.Answer(p)
}

type rightOracle struct{ *countingOracle }

func (o rightOracle) RightAnswer(p maker.Prompt) (string, error) { return o.task.RightAnswer(p) }

// TestRightOracleWritesWrongAnswersOnDemand: with an oracle that can
// write its right answer alone, the simulator asks for the wrong answers
// only for a sample it draws wrong, and every sample is the same text as
// with an oracle that writes them all every time.
func TestRightOracleWritesWrongAnswersOnDemand(t *testing.T) {
	task, _ := hanoi.New(8)
	cfg := sim.DefaultConfig()
	cfg.ErrorRate = 0.02
	plain := &countingOracle{task: task}
	lazy := &countingOracle{task: task}
	pm, err := sim.New(plain, cfg)
	if err != nil {
		t.Fatal(err)
	}
	lm, err := sim.New(rightOracle{lazy}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, prev := task.Initial(), ""
	for step := 0; step < task.Steps(); step++ {
		p := task.Prompt(s, prev, step)
		for i := 0; i < 3; i++ {
			req := maker.Request{Prompt: p, Step: step, Sample: i, MaxTokens: 750}
			a, err := pm.Generate(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			b, err := lm.Generate(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if a != b {
				t.Fatalf("step %d sample %d: %+v with the right answer alone, %+v with all answers", step, i, b, a)
			}
		}
		m := hanoi.OptimalMove(8, step+1)
		next, err := s.Apply(m)
		if err != nil {
			t.Fatal(err)
		}
		s, prev = next, m.String()
	}
	if plain.full.Load() != int64(task.Steps()) {
		t.Fatalf("the plain oracle wrote all answers %d times, want once a step (%d)", plain.full.Load(), task.Steps())
	}
	// About 3×255×0.02×(share of wrong among errors) ≈ 8 samples are
	// drawn wrong; every other step needs the right answer only.
	if got := lazy.full.Load(); got > int64(task.Steps())/10 {
		t.Errorf("the oracle wrote all answers on %d of %d steps, want only on the steps with a sample drawn wrong", got, task.Steps())
	}
}

// TestOraclesRightAnswer: combined oracles give the right answer alone of
// the first that recognises the prompt, whether or not it can write it
// alone, and ErrNotMine when none does.
func TestOraclesRightAnswer(t *testing.T) {
	task, _ := hanoi.New(4)
	p := task.Prompt(task.Initial(), "", 0)
	want, _ := task.Answer(p)
	for _, o := range []maker.Oracle{
		sim.Oracles(hanoi.Oracle(), task),
		sim.Oracles(&countingOracle{task: task}),
	} {
		got, err := o.(maker.RightOracle).RightAnswer(p)
		if err != nil || got != want.Right {
			t.Errorf("right answer %q (%v), want %q", got, err, want.Right)
		}
	}
	if _, err := sim.Oracles(task).(maker.RightOracle).RightAnswer(maker.Prompt{User: "What is 2+2?"}); !errors.Is(err, maker.ErrNotMine) {
		t.Errorf("a prompt no oracle knows: %v, want ErrNotMine", err)
	}
}
