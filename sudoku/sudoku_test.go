package sudoku

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sim"
)

func TestGenerateMakesRuleSolvablePuzzles(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		g, err := Generate(seed, 50)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := Generate(seed, 50)
		if g != again {
			t.Fatalf("seed %d: two different puzzles", seed)
		}
		if g.Empty() != 50 {
			t.Fatalf("seed %d: %d blanks, want 50", seed, g.Empty())
		}
		if err := Check(g); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		// The rule and the independent backtracking solver agree.
		byRule, steps, ok := SolveByRule(g)
		sol, n := Solve(g)
		if !ok || steps != 50 || n != 1 || byRule != sol {
			t.Fatalf("seed %d: rule ok=%v steps=%d, solutions %d, agree %v", seed, ok, steps, n, byRule == sol)
		}
		if sol.Conflict() != nil || sol.Empty() != 0 {
			t.Fatalf("seed %d: solution is not a full valid grid:\n%s", seed, sol)
		}
	}
	if a, _ := Generate(1, 50); a == func() Grid { b, _ := Generate(2, 50); return b }() {
		t.Fatal("seeds 1 and 2 give the same puzzle")
	}
	if _, err := Generate(1, 0); err == nil {
		t.Fatal("0 blanks accepted")
	}
}

func TestParseGridAndCheckPuzzles(t *testing.T) {
	g, _ := Generate(3, 40)
	back, err := ParseGrid(g.String())
	if err != nil || back != g {
		t.Fatalf("round trip: %v", err)
	}
	if back, err = ParseGrid(strings.ReplaceAll(g.Compact(), ".", "0")); err != nil || back != g {
		t.Fatalf("compact with zeros: %v", err)
	}
	tests := []struct {
		name, grid, want string
	}{
		{"short", g.Compact()[:80], "80 cells"},
		{"long", g.Compact() + "1", "more than 81"},
		{"letter", "x" + g.Compact()[1:], "not a digit"},
	}
	for _, tc := range tests {
		if _, err := ParseGrid(tc.grid); !errors.Is(err, ErrGrid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// A repeated digit, and a puzzle the rule cannot start: one clue only.
	dup := g
	for i, v := range g {
		if v != 0 {
			j := i/9*9 + (i%9+1)%9
			if g[j] == 0 {
				dup[j] = v
				break
			}
		}
	}
	if err := Check(dup); err == nil || !strings.Contains(err.Error(), "already has") {
		t.Errorf("repeated digit: %v", err)
	}
	var sparse Grid
	sparse[0] = 5
	if err := Check(sparse); err == nil || !strings.Contains(err.Error(), "single candidate") {
		t.Errorf("sparse puzzle: %v", err)
	}
}

func TestParseIsStrict(t *testing.T) {
	task := mustTask(t, 4)
	ans, err := task.Answer(task.Prompt(task.Initial(), "", 0))
	if err != nil {
		t.Fatal(err)
	}
	right := ans.Right
	good, err := task.Parse(right)
	if err != nil {
		t.Fatalf("right answer rejected: %v\n%s", err, right)
	}
	tests := []struct {
		name string
		text string
		ok   bool
	}{
		{"as written", right, true},
		{"trailing newline", right + "\n", true},
		{"reasoning first", "Scanning row 1...\n" + right, true},
		{"text after grid", right + "\nDone.", false},
		{"grid row missing", right[:strings.LastIndex(right, "\n")], false},
		{"lower-case cell", strings.Replace(right, "cell = R", "cell = r", 1), false},
		{"digit zero", strings.Replace(right, "digit = ", "digit = 0", 1), false},
		{"spaces in grid", strings.Replace(right, "grid =\n", "grid =\n ", 1), false},
		{"colon instead of equals", strings.Replace(right, "digit =", "digit:", 1), false},
	}
	for _, tc := range tests {
		c, err := task.Parse(tc.text)
		if (err == nil) != tc.ok {
			t.Errorf("%s: error %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, maker.ErrMalformed) {
			t.Errorf("%s: %v does not wrap maker.ErrMalformed", tc.name, err)
		}
		if tc.ok && task.Key(c) != task.Key(good) {
			t.Errorf("%s: key %q, want %q", tc.name, task.Key(c), task.Key(good))
		}
	}
}

// TestOracleAndChecker holds the oracle to the checker along a whole
// solution: every right answer passes, every wrong one is caught.
func TestOracleAndChecker(t *testing.T) {
	task := mustTask(t, 5)
	g := task.Initial()
	for step := 0; !task.Done(g, step); step++ {
		ans, err := task.Answer(task.Prompt(g, "", step))
		if err != nil {
			t.Fatal(err)
		}
		right, err := task.Parse(ans.Right)
		if err != nil {
			t.Fatalf("step %d: right answer does not parse: %v", step+1, err)
		}
		if err := task.Check(step, g, right); err != nil {
			t.Fatalf("step %d: right answer fails the check: %v", step+1, err)
		}
		if len(ans.Wrong) < 2 {
			t.Fatalf("step %d: %d wrong answers", step+1, len(ans.Wrong))
		}
		for i, w := range ans.Wrong {
			c, err := task.Parse(w)
			if err != nil {
				t.Fatalf("step %d: wrong answer %d does not parse: %v", step+1, i, err)
			}
			if task.Check(step, g, c) == nil {
				t.Fatalf("step %d: wrong answer %d passes the check:\n%s", step+1, i, w)
			}
		}
		g = right.State
	}
	if g != task.Solution() {
		t.Fatal("following the oracle did not reach the solution")
	}
	if _, err := task.Answer(maker.Prompt{User: "x"}); !errors.Is(err, maker.ErrNotMine) {
		t.Fatalf("foreign prompt: %v", err)
	}
}

func TestRunsOnTheSimulator(t *testing.T) {
	for _, rate := range []float64{sim.DefaultConfig().ErrorRate, 0.2} {
		task := mustTask(t, 7)
		cfg := sim.DefaultConfig()
		cfg.ErrorRate = rate
		model, err := sim.New(task, cfg)
		if err != nil {
			t.Fatal(err)
		}
		res, err := maker.Run(context.Background(), task, model, maker.Config{K: 3, Ordered: true})
		if err != nil {
			t.Fatalf("rate %g: %v", rate, err)
		}
		s := res.Summary
		if !s.Success || s.Steps != task.Steps() || res.State != task.Solution() {
			t.Fatalf("rate %g: success %v, steps %d of %d, wrong %d", rate, s.Success, s.Steps, task.Steps(), s.WrongSteps)
		}
		if rate > 0.1 && s.ValidVotes <= int64(3*s.Steps) {
			t.Errorf("rate %g: %d votes for %d steps: no step needed more than k", rate, s.ValidVotes, s.Steps)
		}
	}
}

func mustTask(t *testing.T, seed uint64) *Task {
	t.Helper()
	g, err := Generate(seed, 50)
	if err != nil {
		t.Fatal(err)
	}
	task, err := New(g)
	if err != nil {
		t.Fatal(err)
	}
	return task
}
