package golden

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

// Prompts renders the prompts of a task's first steps, the text a model is
// shown: the system prompt once (it is the same on every step of the tasks
// that share one; a step whose system prompt differs shows its own), then
// each step's user prompt. The run is played by the oracle's right answers,
// read back with the task's own parser, so each step starts from the state
// the previous one decided (or, for a task that is a [maker.Executor], the
// state its world reports).
func Prompts[S any](t testing.TB, task maker.Task[S], oracle maker.Oracle, steps int) []byte {
	t.Helper()
	var b strings.Builder
	s, prev, system := task.Initial(), "", ""
	for i := 0; i < steps && !task.Done(s, i); i++ {
		p := task.Prompt(s, prev, i)
		if p.System != system {
			fmt.Fprintf(&b, "=== system (from step %d)\n%s\n", i+1, p.System)
			system = p.System
		}
		fmt.Fprintf(&b, "=== user, step %d\n%s\n", i+1, p.User)
		a, err := oracle.Answer(p)
		if err != nil {
			t.Fatalf("step %d: oracle: %v", i+1, err)
		}
		c, err := task.Parse(a.Right)
		if err != nil {
			t.Fatalf("step %d: the oracle's answer does not parse: %v\n%s", i+1, err, a.Right)
		}
		next := c.State
		if ex, ok := task.(maker.Executor[S]); ok {
			if next, err = ex.Execute(context.Background(), s, c); err != nil {
				t.Fatalf("step %d: execute: %v", i+1, err)
			}
		}
		s, prev = next, c.Action
	}
	return []byte(b.String())
}
