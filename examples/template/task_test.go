package template

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sim"
)

// TestRunsOnTheSimulator runs the task end to end: the simulator plays the
// model from the oracle with a real model's kinds of error, and the run
// must decide every step right. CHANGE: keep this test for your task.
func TestRunsOnTheSimulator(t *testing.T) {
	for _, rate := range []float64{sim.DefaultConfig().ErrorRate, 0.2} {
		task, err := New(40)
		if err != nil {
			t.Fatal(err)
		}
		cfg := sim.DefaultConfig()
		cfg.ErrorRate = rate
		model, err := sim.New(task, cfg)
		if err != nil {
			t.Fatal(err)
		}
		res, err := maker.Run(context.Background(), task, model, maker.Config{K: 3, Ordered: true})
		if err != nil {
			t.Fatalf("error rate %g: %v", rate, err)
		}
		if !res.Summary.Success || res.Summary.Steps != 40 || len(res.State) != 42 {
			t.Fatalf("error rate %g: success %v, %d steps, %d numbers", rate, res.Summary.Success, res.Summary.Steps, len(res.State))
		}
		// Fibonacci(42) is 267914296, computed here independently of the task.
		a, b := 1, 1
		for i := 3; i <= 42; i++ {
			a, b = b, a+b
		}
		if res.State[41] != b {
			t.Fatalf("last number %d, want %d", res.State[41], b)
		}
	}
}

func TestParseIsStrict(t *testing.T) {
	task, _ := New(5)
	tests := []struct {
		text string
		ok   bool
	}{
		{"append = 3\nlist = [1, 1, 2, 3]", true},
		{"Thinking first.\nappend = 3\nlist = [1, 1, 2, 3]\n", true},
		{"append = 3\nlist = [1,1,2,3]", false},
		{"append = 03\nlist = [1, 1, 2, 3]", false},
		{"append = three\nlist = [1, 1, 2, 3]", false},
		{"append = 3\nlist = [1, 1, 2, 3]\nDone.", false},
		{"list = [1, 1, 2, 3]", false},
		{"append = 3", false},
	}
	for _, tc := range tests {
		_, err := task.Parse(tc.text)
		if (err == nil) != tc.ok {
			t.Errorf("Parse(%q): %v, want ok=%v", tc.text, err, tc.ok)
		}
		if err != nil && !errors.Is(err, maker.ErrMalformed) {
			t.Errorf("Parse(%q): %v does not wrap maker.ErrMalformed", tc.text, err)
		}
	}
}

// TestOracleAgreesWithChecker: the right answer passes the check and every
// wrong one is caught, at every step of a run.
func TestOracleAgreesWithChecker(t *testing.T) {
	task, _ := New(30)
	s := task.Initial()
	for step := 0; !task.Done(s, step); step++ {
		ans, err := task.Answer(task.Prompt(s, "", step))
		if err != nil {
			t.Fatal(err)
		}
		right, err := task.Parse(ans.Right)
		if err != nil || task.Check(step, s, right) != nil {
			t.Fatalf("step %d: right answer: parse %v, check %v", step+1, err, task.Check(step, s, right))
		}
		for _, w := range ans.Wrong {
			c, err := task.Parse(w)
			if err != nil {
				t.Fatalf("step %d: wrong answer does not parse: %v", step+1, err)
			}
			if task.Check(step, s, c) == nil {
				t.Fatalf("step %d: wrong answer passes the check: %q", step+1, w)
			}
		}
		s = right.State
	}
	if !strings.HasPrefix(s.String(), "[1, 1, 2, 3, 5, 8, 13,") {
		t.Fatalf("list %s", s)
	}
}
