package hanoi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

func TestRulesValidator(t *testing.T) {
	task, err := hanoi.New(3)
	if err != nil {
		t.Fatal(err)
	}
	ruled := task.WithRules()
	start := task.Initial()
	after := func(m hanoi.Move) hanoi.State {
		s, err := start.Apply(m)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct {
		name, action string
		state        hanoi.State
		want         string // "" valid, else part of the reason
	}{
		{"the prescribed move", "[1, 0, 2]", after(hanoi.Move{Disk: 1, From: 0, To: 2}), ""},
		// The validator knows the rules, not the strategy.
		{"a legal move the strategy does not make", "[1, 0, 1]", after(hanoi.Move{Disk: 1, From: 0, To: 1}), ""},
		{"a disk that is not on top", "[2, 0, 1]", after(hanoi.Move{Disk: 1, From: 0, To: 1}), "not on top"},
		{"an empty peg", "[1, 1, 2]", after(hanoi.Move{Disk: 1, From: 0, To: 2}), "empty"},
		{"a state the move does not lead to", "[1, 0, 2]", after(hanoi.Move{Disk: 1, From: 0, To: 1}), "leads to"},
		{"the state unchanged", "[1, 0, 2]", start, "leads to"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ruled.Validate(context.Background(), start, maker.Candidate[hanoi.State]{Action: tc.action, State: tc.state})
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("rejected: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// TestRulesRedFlagInconsistentAnswers: the simulator's wrong answers
// include states the move does not lead to; with the rules on they are red
// flags that never vote, and the plain task lets them vote. (At this
// error rate the simulator's legal wrong answers still win some steps:
// the rules do not know the strategy.)
func TestRulesRedFlagInconsistentAnswers(t *testing.T) {
	task, err := hanoi.New(6)
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	cfg.ErrorRate = 0.3
	cfg.Seed = 3
	var invalid [2]int64
	for i, tk := range []maker.Task[hanoi.State]{task, task.WithRules()} {
		m, err := sim.New(task, cfg)
		if err != nil {
			t.Fatal(err)
		}
		res, err := maker.Run(context.Background(), tk, m, maker.Config{K: 3, Ordered: true})
		if err != nil && res == nil {
			t.Fatal(err)
		}
		for _, n := range res.Summary.Invalid {
			invalid[i] += n
		}
		for why := range res.Summary.Invalid {
			if !strings.Contains(why, "illegal move") && !strings.Contains(why, "leads to") {
				t.Errorf("an invalid sample's reason is %q, not a rule", why)
			}
		}
	}
	if invalid[0] != 0 || invalid[1] == 0 {
		t.Fatalf("invalid samples: plain %d, with rules %d; want 0 and some", invalid[0], invalid[1])
	}
}
