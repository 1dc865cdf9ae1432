package taskfile

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sim"
)

func load(t *testing.T, path string) *Task {
	t.Helper()
	task, err := Load(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// TestExamplesAreRight checks the example files' expected answers against
// the rule each file states, so the files are worth testing runs against.
func TestExamplesAreRight(t *testing.T) {
	sum := load(t, "../examples/yaml/running-sum.yaml")
	if len(sum.Expected()) != 210 || sum.Steps() != 210 {
		t.Fatalf("running-sum: %d expected answers, %d steps", len(sum.Expected()), sum.Steps())
	}
	total := 0
	for i, s := range sum.Expected() {
		n := i + 1
		total += n
		if s.Action != fmt.Sprintf("add %d", n) || s.State != strconv.Itoa(total) {
			t.Fatalf("running-sum step %d: %q %q, want add %d, %d", n, s.Action, s.State, n, total)
		}
	}

	tt := load(t, "../examples/yaml/text-transform.yaml")
	words := strings.Fields(tt.Initial())
	for i, s := range tt.Expected() {
		w := words[0]
		words = append(words[1:], strings.ToUpper(w))
		if s.Action != "move "+w || s.State != strings.Join(words, " ") {
			t.Fatalf("text-transform step %d: %q %q", i+1, s.Action, s.State)
		}
	}
	if !tt.Done(tt.Expected()[len(tt.Expected())-1].State, 0) {
		t.Fatal("text-transform: the last expected state does not end the task")
	}
}

// TestExamplesRunOnTheSimulator runs both example files end to end: prompt,
// the simulated model playing the file's oracle with its error model,
// parsing, voting, red flags and the after-the-fact check.
func TestExamplesRunOnTheSimulator(t *testing.T) {
	for _, tc := range []struct {
		path      string
		errorRate float64
	}{
		{"../examples/yaml/running-sum.yaml", sim.DefaultConfig().ErrorRate},
		{"../examples/yaml/running-sum.yaml", 0.15},
		{"../examples/yaml/text-transform.yaml", 0.3},
	} {
		t.Run(fmt.Sprintf("%s@%g", tc.path, tc.errorRate), func(t *testing.T) {
			task := load(t, tc.path)
			oracle, err := task.Oracle()
			if err != nil {
				t.Fatal(err)
			}
			cfg := sim.DefaultConfig()
			cfg.ErrorRate = tc.errorRate
			model, err := sim.New(oracle, cfg)
			if err != nil {
				t.Fatal(err)
			}
			res, err := maker.Run(context.Background(), task, model, maker.Config{K: 3, Ordered: true})
			if err != nil {
				t.Fatal(err)
			}
			s := res.Summary
			want := task.Expected()
			if !s.Success || s.WrongSteps != 0 || s.Steps != len(want) || res.State != want[len(want)-1].State {
				t.Fatalf("success %v, wrong %d, steps %d of %d, state %q", s.Success, s.WrongSteps, s.Steps, len(want), res.State)
			}
			// With errors this frequent some steps must have needed more than
			// k votes; over 210 steps (about 110 expected errors, a third of
			// them malformed or over-long) some answers must have been flagged.
			if tc.errorRate > 0.1 && s.ValidVotes <= int64(3*s.Steps) {
				t.Errorf("at error rate %g: %d votes for %d steps: no step needed more than k", tc.errorRate, s.ValidVotes, s.Steps)
			}
			if tc.errorRate > 0.1 && s.Steps > 100 && s.FlaggedTotal() == 0 {
				t.Errorf("at error rate %g: nothing flagged in %d steps", tc.errorRate, s.Steps)
			}
		})
	}
}

func TestParseIsStrict(t *testing.T) {
	sum := load(t, "../examples/yaml/running-sum.yaml")
	tt := load(t, "../examples/yaml/text-transform.yaml")
	tests := []struct {
		task *Task
		text string
		ok   bool
		want Answer
	}{
		{sum, "action: add 3\ntotal: 6", true, Answer{"add 3", "6"}},
		{sum, "Let me think.\naction: add 3\ntotal: 6\n", true, Answer{"add 3", "6"}},
		{sum, "action: add 2\ntotal: 3\naction: add 3\ntotal: 6", true, Answer{"add 3", "6"}},
		{sum, "action: add 3\ntotal: six", false, Answer{}},
		{sum, "action: add 3\ntotal: 06", false, Answer{}},
		{sum, "action: add 3", false, Answer{}},
		{sum, "action: add 3\n\ntotal: 6", false, Answer{}},
		{tt, `{"action": "move the", "state": "quick THE"}`, true, Answer{"move the", "quick THE"}},
		{tt, "  {\"action\": \"move the\", \"state\": \"quick THE\"}\n", true, Answer{"move the", "quick THE"}},
		{tt, `{"action": "move The", "state": "quick THE"}`, false, Answer{}},
		{tt, `{"action": "move the", "state": "quick THE", "note": 1}`, false, Answer{}},
		{tt, `{"action": "move the"}`, false, Answer{}},
		{tt, `{"action": "move the", "state": 3}`, false, Answer{}},
		{tt, `Sure: {"action": "move the", "state": "quick THE"}`, false, Answer{}},
		{tt, `{"action": "move the", "state": "quick THE"} {}`, false, Answer{}},
		{tt, `{"action": "move the", "state": "   "}`, false, Answer{}},
	}
	for i, tc := range tests {
		c, err := tc.task.Parse(tc.text)
		if (err == nil) != tc.ok {
			t.Errorf("%d: Parse(%q) error %v, want ok=%v", i, tc.text, err, tc.ok)
			continue
		}
		if err != nil && !errors.Is(err, maker.ErrMalformed) {
			t.Errorf("%d: error %v does not wrap maker.ErrMalformed", i, err)
		}
		if tc.ok && (c.Action != tc.want.Action || c.State != tc.want.State) {
			t.Errorf("%d: got %q %q, want %+v", i, c.Action, c.State, tc.want)
		}
	}
}

func TestKeyNormalises(t *testing.T) {
	sum := load(t, "../examples/yaml/running-sum.yaml")   // case: lower
	tt := load(t, "../examples/yaml/text-transform.yaml") // case: keep
	key := func(task *Task, a, s string) string {
		return task.Key(maker.Candidate[string]{Action: a, State: s})
	}
	if key(sum, "add 3", "6") != key(sum, " ADD   3 ", "6") {
		t.Error("running-sum: spacing and case should not split votes")
	}
	if key(tt, "move the", "a THE") == key(tt, "move the", "a the") {
		t.Error("text-transform keeps case: these answers differ")
	}
	if key(tt, "move the", "a  THE") != key(tt, "move the", "a THE") {
		t.Error("text-transform collapses spaces")
	}
	if key(sum, "a|b", "c") == key(sum, "a", "b|c") {
		t.Error("keys of different answers collide")
	}
}

func TestOracle(t *testing.T) {
	task := load(t, "../examples/yaml/running-sum.yaml")
	o, err := task.Oracle()
	if err != nil {
		t.Fatal(err)
	}
	p := task.Prompt("3", "add 2", 2)
	ans, err := o.Answer(p)
	if err != nil {
		t.Fatal(err)
	}
	c, err := task.Parse(ans.Right)
	if err != nil || c.Action != "add 3" || c.State != "6" {
		t.Fatalf("right answer %q parses as %+v, %v", ans.Right, c, err)
	}
	if len(ans.Wrong) != 1 {
		t.Fatalf("want the stale-state wrong answer, got %q", ans.Wrong)
	}
	if w, err := task.Parse(ans.Wrong[0]); err != nil || task.Key(w) == task.Key(c) {
		t.Fatalf("wrong answer %q: %+v, %v", ans.Wrong[0], w, err)
	}
	// The file's own wrong answers are used where given.
	ans, err = o.Answer(task.Prompt("0", "", 0))
	if err != nil || len(ans.Wrong) != 2 {
		t.Fatalf("step 1: %+v, %v", ans, err)
	}
	// A state off the expected path has no right answer.
	if _, err := o.Answer(task.Prompt("4", "add 2", 2)); err == nil {
		t.Fatal("no error for a state off the expected path")
	}
	if _, err := o.Answer(maker.Prompt{User: "hello"}); !errors.Is(err, maker.ErrNotMine) {
		t.Fatalf("foreign prompt: %v", err)
	}
	if !strings.Contains(p.User, "Step 3 of 210") || !strings.Contains(p.User, "Current total: 3") || !strings.Contains(p.User, "Previous action: add 2") {
		t.Fatalf("prompt:\n%s", p.User)
	}
}

func TestCheckReportsWrongSteps(t *testing.T) {
	task := load(t, "../examples/yaml/running-sum.yaml")
	if err := task.Check(1, "1", maker.Candidate[string]{Action: "ADD 2", State: "3"}); err != nil {
		t.Fatalf("right step (other case) reported wrong: %v", err)
	}
	if err := task.Check(1, "1", maker.Candidate[string]{Action: "add 2", State: "4"}); err == nil {
		t.Fatal("wrong state passed the check")
	}
	if err := task.Check(210, "22155", maker.Candidate[string]{Action: "add 211", State: "22366"}); err == nil {
		t.Fatal("a step beyond the expected ones passed the check")
	}
}

func TestNoExpectedMeansNoOracle(t *testing.T) {
	text := base[:strings.Index(base, "expected:")]
	task, err := Parse("task.yaml", text)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := task.Oracle(); !errors.Is(err, ErrNoExpected) {
		t.Fatalf("got %v", err)
	}
	if err := task.Check(0, "0", maker.Candidate[string]{Action: "inc", State: "9"}); err != nil {
		t.Fatalf("without expected answers nothing is wrong: %v", err)
	}
}

func TestNormalizeCollapsesEveryRun(t *testing.T) {
	k := KeyRule{CollapseSpaces: true, Case: CaseKeep}
	for in, want := range map[string]string{
		"a b":       "a b",
		"a  b":      "a b",
		"a\tb":      "a b",
		"a \t b":    "a b",
		"a\t\tb c":  "a b c",
		" a b ":     " a b ",
		"a\u00a0 b": "a\u00a0 b", // only spaces and tabs are blank here
		"":          "",
	} {
		if got := k.Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
