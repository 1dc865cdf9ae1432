package scentest

import (
	"errors"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// FuzzParse fuzzes a task's answer parser, seeded with the oracle's right
// and wrong answers to the first prompt and with malformed texts. Any text
// either parses or is rejected with [maker.ErrMalformed] (never a panic,
// never another error); parsing is deterministic; and when render is not
// nil, the candidate written back in the exact format (render) parses to
// the same vote key, so the canonical form is a fixed point of the parser.
func FuzzParse[S any](f *testing.F, task Task[S], render func(maker.Candidate[S]) string) {
	ans, err := task.Answer(task.Prompt(task.Initial(), "", 0))
	if err != nil {
		f.Fatal(err)
	}
	for _, text := range append([]string{ans.Right}, ans.Wrong...) {
		f.Add(text)
	}
	for _, text := range []string{"", "\n", "action =\nexpected =", "action = x\nexpected = y", "= =\n= =", "build = [\nnext_ready = ]"} {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := task.Parse(text)
		if err != nil {
			if !errors.Is(err, maker.ErrMalformed) {
				t.Fatalf("Parse(%q) = %v, not maker.ErrMalformed", text, err)
			}
			return
		}
		key := task.Key(c)
		again, err := task.Parse(text)
		if err != nil || task.Key(again) != key {
			t.Fatalf("Parse(%q) is not deterministic: %q then %q, %v", text, key, task.Key(again), err)
		}
		if render == nil {
			return
		}
		back, err := task.Parse(render(c))
		if err != nil || task.Key(back) != key {
			t.Fatalf("Parse(%q) = key %q, but its canonical form %q gives %q, %v", text, key, render(c), task.Key(back), err)
		}
	})
}

// FuzzRead fuzzes a scenario's instance reader, seeded with a generated
// instance and a few broken ones. Any input is either accepted, and then
// valid by the scenario's own rules (accept), or rejected with
// [scenario.ErrInstance].
func FuzzRead[I any](f *testing.F, valid []byte, read func([]byte) (I, error), accept func(I) error) {
	f.Add(valid)
	if len(valid) > 2 {
		f.Add(valid[:len(valid)/2])
		f.Add(append(append([]byte{}, valid...), valid...))
	}
	for _, s := range []string{"", "{}", "null", "[]", `{"x":1}`, "{} {}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := read(b)
		if err != nil {
			if !errors.Is(err, scenario.ErrInstance) {
				t.Fatalf("read(%q) = %v, not scenario.ErrInstance", b, err)
			}
			return
		}
		if err := accept(in); err != nil {
			t.Fatalf("read(%q) accepted an instance that fails: %v", b, err)
		}
	})
}
