package cubesolve_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/cube"
	"github.com/maker-go/maker/cubesolve"
)

const solvedState = "UUUUUUUUURRRRRRRRRFFFFFFFFFDDDDDDDDDLLLLLLLLLBBBBBBBBB"

func TestParseIsStrict(t *testing.T) {
	rState := cube.Solved().Apply(cube.R).String()
	good := "reasoning\nstage = cross\nturns = R\nnext_state = " + rState
	a, err := cubesolve.ParseAnswer(good + "\n")
	if err != nil || a.Stage != cubesolve.StageCross || a.Turns.String() != "R" || a.State.String() != rState {
		t.Fatalf("good answer: %+v, %v", a, err)
	}
	bad := []struct{ name, text string }{
		{"empty", ""},
		{"no state", "stage = cross\nturns = R"},
		{"unknown stage", "stage = edges\nturns = R\nnext_state = " + rState},
		{"no turns", "stage = cross\nturns = \nnext_state = " + rState},
		{"double space", "stage = cross\nturns = R  U\nnext_state = " + rState},
		{"typographic prime", "stage = cross\nturns = R’\nnext_state = " + rState},
		{"rotation", "stage = cross\nturns = x R\nnext_state = " + rState},
		{"short state", "stage = cross\nturns = R\nnext_state = " + rState[:53]},
		{"lower case state", "stage = cross\nturns = R\nnext_state = " + strings.ToLower(rState)},
		{"ten U stickers", "stage = cross\nturns = R\nnext_state = U" + rState[1:9] + "U" + rState[10:]},
		{"moved centre", "stage = cross\nturns = R\nnext_state = " + rState[:4] + "R" + rState[5:13] + "U" + rState[14:]},
		{"text after", good + "\nDone."},
		{"lines out of order", "turns = R\nstage = cross\nnext_state = " + rState},
	}
	for _, tc := range bad {
		if _, err := cubesolve.ParseAnswer(tc.text); !errors.Is(err, maker.ErrMalformed) {
			t.Errorf("%s: err = %v", tc.name, err)
		}
	}
}

// TestOracleAndChecker follows the oracle's right answers through a whole
// solve, checking each with the checker, and shows that the checker
// rejects every one of the oracle's wrong answers, each for its reason.
func TestOracleAndChecker(t *testing.T) {
	c, _ := cube.Scramble(3)
	task, err := cubesolve.New(c)
	if err != nil {
		t.Fatal(err)
	}
	f := task.Initial()
	prev := ""
	for step := 0; !task.Done(f, step); step++ {
		if step > task.Steps() {
			t.Fatal("the oracle's answers do not solve the cube")
		}
		p := task.Prompt(f, prev, step)
		ans, err := task.Answer(p)
		if err != nil {
			t.Fatal(err)
		}
		// Without the hint, the oracle reads the state from the text.
		if again, err := task.Answer(maker.Prompt{System: p.System, User: p.User}); err != nil || again.Right != ans.Right {
			t.Fatalf("step %d: oracle from text: %v", step, err)
		}
		right, err := task.Parse(ans.Right)
		if err != nil {
			t.Fatalf("step %d: right answer does not parse: %v\n%s", step, err, ans.Right)
		}
		if err := task.Check(step, f, right); err != nil {
			t.Fatalf("step %d: right answer rejected: %v", step, err)
		}
		if len(ans.Wrong) != 3 {
			t.Fatalf("step %d: %d wrong answers", step, len(ans.Wrong))
		}
		for i, w := range ans.Wrong {
			cand, err := task.Parse(w)
			if err != nil {
				t.Fatalf("step %d: wrong answer %d does not parse (it must vote, not be flagged): %v", step, i, err)
			}
			if task.Key(cand) == task.Key(right) {
				t.Fatalf("step %d: wrong answer %d has the right key", step, i)
			}
			err = task.Check(step, f, cand)
			want := []string{"not the method's", "stickers differ", "stickers differ"}[i]
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("step %d: wrong answer %d: check = %v, want %q", step, i, err, want)
			}
		}
		f, prev = right.State, right.Action
	}
	if f.String() != solvedState {
		t.Fatalf("ended at %s", f)
	}
	if _, err := task.Answer(maker.Prompt{User: "Current state: [[1], [], []]"}); !errors.Is(err, maker.ErrNotMine) {
		t.Fatalf("foreign prompt: %v", err)
	}
}

func TestNewRejects(t *testing.T) {
	if _, err := cubesolve.New(cube.Solved()); err == nil {
		t.Error("a solved cube was accepted")
	}
	f, _ := cube.ParseFacelets("UUUUUUUUFURRRRRRRRFFRFFFFFFDDDDDDDDDLLLLLLLLLBBBBBBBBB")
	if _, err := f.Cube(); err == nil {
		t.Fatal("twisted corner parsed as a cube")
	}
}

// TestCheckerOnAnImpossibleState: once a decided state is not a real cube,
// the next step's check says so instead of failing on the wrong thing.
func TestCheckerOnAnImpossibleState(t *testing.T) {
	c, _ := cube.Scramble(1)
	task, _ := cubesolve.New(c)
	f := c.Facelets()
	f[5], f[10] = f[10], f[5] // flip the UR edge's stickers
	err := task.Check(0, f, maker.Candidate[cube.Facelets]{Action: "R", State: f})
	if err == nil || !strings.Contains(err.Error(), "not a real cube") {
		t.Fatalf("check = %v", err)
	}
}
