// Package scentest holds the checks the scenario packages' tests and
// benchmarks share, so that every scenario is held to the same claims
// (the oracle's answers parse and the checker tells right from wrong;
// voting at the planned k removes the errors single samples make) with the
// same code, and a fix to one check reaches them all.
package scentest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/scenario"
	"github.com/maker-go/maker/sim"
)

// Task is what a scenario task is to these checks: a task that checks
// decided steps after the fact and is its own simulator oracle.
type Task[S any] interface {
	maker.Task[S]
	maker.Checker[S]
	maker.Oracle
}

// Must builds a generated task of size n from seed, failing the test on
// any error.
func Must[I, T any](tb testing.TB, generate func(int, uint64) (I, error), newTask func(I) (T, error), n int, seed uint64) T {
	tb.Helper()
	in, err := generate(n, seed)
	if err != nil {
		tb.Fatal(err)
	}
	task, err := newTask(in)
	if err != nil {
		tb.Fatal(err)
	}
	return task
}

// WalkOracle walks a task's reference run from its initial state, ref
// holding the reference action of each step. At every step the oracle
// answers the same from the prompt's text as from its hint (the simulator
// behind HTTP), the right answer parses, passes the checker and is the
// reference action, and there are at least minWrong wrong answers, each of
// which parses (so it would vote), does not vote with the right one, and is
// rejected by the checker. A prompt the task did not render gets no answer.
// It returns the state the walk ends in.
func WalkOracle[S any](t *testing.T, task Task[S], ref []string, minWrong int) S {
	t.Helper()
	s := task.Initial()
	for step := 0; !task.Done(s, step); step++ {
		prompt := task.Prompt(s, "", step)
		ans, err := task.Answer(prompt)
		if err != nil {
			t.Fatal(err)
		}
		fromText, err := task.Answer(maker.Prompt{System: prompt.System, User: prompt.User})
		if err != nil || fmt.Sprint(fromText) != fmt.Sprint(ans) {
			t.Fatalf("step %d: oracle from the prompt text: %v, %v", step+1, fromText, err)
		}
		right, err := task.Parse(ans.Right)
		if err != nil {
			t.Fatalf("step %d: right answer does not parse: %v", step+1, err)
		}
		if err := task.Check(step, s, right); err != nil {
			t.Fatalf("step %d: right answer rejected: %v", step+1, err)
		}
		if step >= len(ref) || right.Action != ref[step] {
			t.Fatalf("step %d: oracle %s, reference %v", step+1, right.Action, ref)
		}
		if len(ans.Wrong) < minWrong {
			t.Fatalf("step %d: %d wrong answers, want at least %d", step+1, len(ans.Wrong), minWrong)
		}
		for i, w := range ans.Wrong {
			c, err := task.Parse(w)
			if err != nil {
				t.Fatalf("step %d: wrong answer %d does not parse: %v", step+1, i, err)
			}
			if task.Key(c) == task.Key(right) {
				t.Fatalf("step %d: wrong answer %d votes with the right one", step+1, i)
			}
			if task.Check(step, s, c) == nil {
				t.Fatalf("step %d: checker accepts wrong answer %d:\n%s", step+1, i, w)
			}
		}
		s = right.State
	}
	if _, err := task.Answer(maker.Prompt{User: "x"}); err == nil {
		t.Error("oracle answered a prompt without its hint")
	}
	return s
}

// Strings is the text of each action of a reference sequence.
func Strings[A fmt.Stringer](actions []A) []string {
	out := make([]string, len(actions))
	for i, a := range actions {
		out[i] = a.String()
	}
	return out
}

// IgnoresOtherPrompts checks that the oracle answers [maker.ErrNotMine] to
// prompts other tasks render, so one simulator can serve several tasks.
func IgnoresOtherPrompts(t *testing.T, oracle maker.Oracle) {
	t.Helper()
	for _, user := range []string{"", "Previous move: none\nCurrent state: [[3, 2, 1], [], []]", "ready = [x]\nwaiting = []"} {
		if _, err := oracle.Answer(maker.Prompt{User: user}); !errors.Is(err, maker.ErrNotMine) {
			t.Errorf("%q: got %v, want ErrNotMine", user, err)
		}
	}
}

// RunSim runs the task on the simulator at its default configuration with
// margin k and checks that the run succeeds in the given number of steps.
func RunSim[S any](t *testing.T, task Task[S], k, steps int) *maker.Result[S] {
	t.Helper()
	m, err := sim.New(task, sim.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	res, err := maker.Run(context.Background(), task, m, maker.Config{K: k, Ordered: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Summary.Success || res.Summary.Steps != steps {
		t.Fatalf("summary %+v", res.Summary)
	}
	return res
}

// VotingRemovesErrors is a scenario's claim: with a simulated model wrong
// at rate e, runs at k=1 mostly fail and runs at the planned k (k_min for a
// 95% target) mostly succeed. Of runs seeded runs, at least minSingle must
// fail at k=1 and at most maxVoted at the planned k; the caller derives
// both bounds from the run length and the sample size. verify checks a
// finished run as a whole (see [Trials]).
func VotingRemovesErrors[S any](t *testing.T, task Task[S], e float64, runs, minSingle, maxVoted int, verify func(*maker.Result[S]) error) {
	t.Helper()
	single, err := Trials(context.Background(), task, task, 1, e, runs, verify)
	if err != nil {
		t.Fatal(err)
	}
	k, err := plan.KMin(1-e, task.Steps(), 0.95, 1)
	if err != nil {
		t.Fatal(err)
	}
	voted, err := Trials(context.Background(), task, task, k, e, runs, verify)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("k=1: %d/%d failed (%d wrong steps); k=%d: %d/%d failed (%d wrong steps)", single.Failed, runs, single.WrongSteps, k, voted.Failed, runs, voted.WrongSteps)
	if single.Failed < minSingle {
		t.Errorf("k=1: only %d of %d runs failed", single.Failed, runs)
	}
	if voted.Failed > maxVoted {
		t.Errorf("k=%d: %d of %d runs failed", k, voted.Failed, runs)
	}
}

// BenchLargeRun runs the task on the simulator at its default error rate
// and the planned k, failing on a wrong run, and reports the steps, the
// samples, the input tokens per sample and the cost per run.
func BenchLargeRun[S any](b *testing.B, task Task[S]) {
	m, k := PlannedSim(b, task, task.Steps())
	b.ResetTimer()
	for b.Loop() {
		res, err := maker.Run(context.Background(), task, m, maker.Config{K: k, Ordered: true})
		if err != nil {
			b.Fatal(err)
		}
		if !res.Summary.Success {
			b.Fatalf("large run failed: %d wrong steps, first: %s", res.Summary.WrongSteps, res.Summary.FirstWrongWhy)
		}
		b.ReportMetric(float64(res.Summary.Steps), "steps/run")
		b.ReportMetric(float64(res.Summary.Samples), "samples/run")
		b.ReportMetric(float64(res.Summary.InputTokens)/float64(res.Summary.Samples), "in-tok/sample")
		b.ReportMetric(res.Summary.CostUSD, "sim-USD/run")
		b.ReportMetric(float64(k), "k")
	}
}

// Seeded generates the instance of size n twice from seed and checks that
// the seed alone decides it (a run can be reproduced from its flags); it
// returns the instance.
func Seeded[I any](t *testing.T, generate func(int, uint64) (I, error), n int, seed uint64) I {
	t.Helper()
	a, err := generate(n, seed)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := generate(n, seed)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("n=%d: same seed, different instances", n)
	}
	return a
}

// RejectsInstance checks that err rejects a bad instance: it wraps
// [scenario.ErrInstance], so a command reports bad input, and mentions
// each of want, so the user can find the culprit.
func RejectsInstance(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if !errors.Is(err, scenario.ErrInstance) {
		t.Errorf("error %q does not wrap ErrInstance", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
}
