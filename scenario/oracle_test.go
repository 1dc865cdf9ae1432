package scenario

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

func TestTrace(t *testing.T) {
	// The rule counts down to zero: the trace is every value it leaves.
	next := func(n int) (string, int, bool) { return fmt.Sprint(n), n - 1, n > 0 }
	if got := fmt.Sprint(Trace(3, next)); got != "[3 2 1]" {
		t.Errorf("Trace = %s", got)
	}
	if got := Trace(0, next); len(got) != 0 {
		t.Errorf("Trace from a final state = %v", got)
	}
}

func TestAddWrong(t *testing.T) {
	ans := maker.Answer{Right: "r"}
	for _, w := range []string{"a", "r", "b", "a"} {
		AddWrong(&ans, w)
	}
	if fmt.Sprint(ans.Wrong) != "[a b]" {
		t.Errorf("Wrong = %q, want the distinct wrong ones in order", ans.Wrong)
	}
}

func TestStateOf(t *testing.T) {
	read := func(user string) (int, error) {
		if user != "state 7" {
			return 0, maker.ErrNotMine
		}
		return 7, nil
	}
	tests := []struct {
		name string
		p    maker.Prompt
		want int
		err  error
	}{
		{"hint", maker.Prompt{User: "state 7", Hint: Hint[int]{State: 3}}, 3, nil},
		{"text", maker.Prompt{User: "state 7"}, 7, nil},
		{"other task's hint", maker.Prompt{User: "x", Hint: Hint[string]{State: "3"}}, 0, maker.ErrNotMine},
		{"other text", maker.Prompt{User: "x"}, 0, maker.ErrNotMine},
	}
	for _, tt := range tests {
		got, err := StateOf(tt.p, read)
		if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("%s: StateOf = %d, %v; want %d, %v", tt.name, got, err, tt.want, tt.err)
		}
	}
}

func TestAnswers(t *testing.T) {
	ans := NewAnswers(1, "go 1", "at=1")
	ans.Add(1, "go 1", "at=1") // the right answer: dropped
	ans.Add(1, "go 1", "at=0") // right action, wrong expectation
	ans.Add(2, "go 2", "at=1") // wrong action, right expectation
	if ans.Right != Render(Lead, "go 1", "at=1") {
		t.Errorf("Right = %q", ans.Right)
	}
	want := []string{Render(Lead, "go 1", "at=0"), Render(Lead, "go 2", "at=1")}
	if strings.Join(ans.Wrong, "|") != strings.Join(want, "|") {
		t.Errorf("Wrong = %q, want %q", ans.Wrong, want)
	}
}

func TestHintedStep(t *testing.T) {
	next := func(s int) (string, bool) { return "step", s < 3 }
	if s, a, err := HintedStep(maker.Prompt{Hint: Hint[int]{State: 2}}, next, "done"); s != 2 || a != "step" || err != nil {
		t.Errorf("HintedStep = %d, %q, %v", s, a, err)
	}
	if _, _, err := HintedStep(maker.Prompt{User: "state 2"}, next, "done"); !errors.Is(err, maker.ErrNotMine) {
		t.Errorf("no hint: %v, want ErrNotMine", err)
	}
	if _, _, err := HintedStep(maker.Prompt{Hint: Hint[int]{State: 3}}, next, "done"); err == nil || err.Error() != "done" {
		t.Errorf("settled: %v", err)
	}
}

func TestParseStepAndKey(t *testing.T) {
	upper := func(s string) (string, error) {
		if s == "bad" {
			return "", errors.New("bad action")
		}
		return strings.ToUpper(s), nil
	}
	same := func(s string) (string, error) { return s, nil }
	a, e, err := ParseStep("lead\naction = go  1\nexpected = at=1", upper, same)
	if err != nil || a != "GO  1" || e != "at=1" {
		t.Fatalf("ParseStep = %q, %q, %v", a, e, err)
	}
	if Key(a, e) != "GO 1 | at=1" {
		t.Errorf("Key = %q", Key(a, e))
	}
	for _, text := range []string{"action = bad\nexpected = x", "action = go\n"} {
		if _, _, err := ParseStep(text, upper, same); err == nil {
			t.Errorf("ParseStep(%q) accepted", text)
		}
	}
}
