package taskfile

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

// fuzzTask loads an example task file for a fuzz target.
func fuzzTask(f *testing.F, path string) *Task {
	f.Helper()
	task, err := Load(context.Background(), path)
	if err != nil {
		f.Fatal(err)
	}
	return task
}

// FuzzParse feeds both answer formats (a regular expression and a JSON
// schema) arbitrary model output: parsing must never panic, every rejection
// must wrap maker.ErrMalformed, an accepted answer has a trimmed, non-blank
// action and state, and a JSON answer reads back the same once written in
// the format.
func FuzzParse(f *testing.F) {
	sum := fuzzTask(f, "../examples/yaml/running-sum.yaml")
	tt := fuzzTask(f, "../examples/yaml/text-transform.yaml")
	for _, s := range []string{
		"action: add 3\ntotal: 6",
		"Let me think.\naction: add 3\ntotal: 6\n",
		"action: add 3\ntotal: 06",
		`{"action": "move the", "state": "quick THE"}`,
		`{"action": "move the", "state": "quick THE", "note": 1}`,
		`{"action": "move the", "state": 3}`,
		`{"action": "move the", "state": "   "}`,
		`{"action": "\u0000", "state": "\ud800"}`,
		`[{"action": "a", "state": "b"}]`,
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, task := range []*Task{sum, tt} {
			c, err := task.Parse(text)
			if err != nil {
				if !errors.Is(err, maker.ErrMalformed) {
					t.Fatalf("Parse(%q): %v does not wrap maker.ErrMalformed", text, err)
				}
				continue
			}
			if c.Action == "" || c.State == "" || c.Action != strings.TrimSpace(c.Action) || c.State != strings.TrimSpace(c.State) {
				t.Fatalf("Parse(%q) accepted action %q, state %q", text, c.Action, c.State)
			}
			jf, ok := task.format.(*jsonFormat)
			if !ok {
				continue
			}
			again, err := jf.render(Answer{Action: c.Action, State: c.State})
			if err != nil {
				t.Fatalf("render %+v: %v", c, err)
			}
			if c2, err := task.Parse(again); err != nil || c2.Action != c.Action || c2.State != c.State {
				t.Fatalf("Parse(%q) = %q %q, which reads back as %q %q (%v)", text, c.Action, c.State, c2.Action, c2.State, err)
			}
		}
	})
}
