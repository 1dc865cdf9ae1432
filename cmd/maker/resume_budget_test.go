package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
)

// budgetRun is what the budget tests read of a run's JSON summary.
type budgetRun struct {
	maker.Summary
	RunID string `json:"run_id"`
}

func runBudgetJSON(t *testing.T, want int, args ...string) budgetRun {
	t.Helper()
	code, out, stderr := runCLI(t, args...)
	if code != want {
		t.Fatalf("maker %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, stderr)
	}
	var r budgetRun
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("maker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return r
}

// TestResumeKeepsRunBudget: --max-cost caps the whole run. A run stopped by
// it and resumed without a new cap stops again at once, drawing no sample;
// resumed with a raised cap, the run's total stays under the new cap (plus
// the overshoot of the samples in flight), a later resume keeps the raised
// cap, and show says what the run spent of it.
func TestResumeKeepsRunBudget(t *testing.T) {
	db := filepath.Join(t.TempDir(), "j.db")
	const first, raised = 0.5, 1.0
	// 8 disks take 255 steps, at about $0.02 a sample: $1 does not finish.
	price := []string{"--price-in", "20", "--price-out", "20", "--db", db, "--json", "-q"}
	start := runBudgetJSON(t, exitBudget, append([]string{"hanoi", "--disks", "8", "--k", "2", "--max-cost", fmt.Sprint(first)}, price...)...)
	// The engine admits a sample while what was spent and every sample in
	// flight at the dearest cost seen stays under the cap; a dearer answer
	// may carry the run past it by a few samples' cost.
	over := 4 * start.CostUSD / float64(start.Samples)
	if start.StopReason != "budget: max-cost" || start.CostUSD > first+over || start.CostUSD < first/2 {
		t.Fatalf("the first session: stop %q, spent $%.4f of $%g", start.StopReason, start.CostUSD, first)
	}
	id := start.RunID
	again := runBudgetJSON(t, exitBudget, "resume", id, "--db", db, "--json", "-q")
	if again.Samples != 0 || again.StopReason != "budget: max-cost" {
		t.Fatalf("resumed without a new cap: %d samples, stop %q; want none, stopped by max-cost at once", again.Samples, again.StopReason)
	}
	more := runBudgetJSON(t, exitBudget, "resume", id, "--db", db, "--json", "-q", "--max-cost", fmt.Sprint(raised))
	if more.Samples == 0 || more.Budget == nil || more.Budget.MaxCostUSD != raised || more.RunCostUSD() > raised+over {
		t.Fatalf("resumed with --max-cost %g: %d samples, budget %+v, the run spent $%.4f", raised, more.Samples, more.Budget, more.RunCostUSD())
	}
	later := runBudgetJSON(t, exitBudget, "resume", id, "--db", db, "--json", "-q")
	if later.Samples != 0 || later.Budget == nil || later.Budget.MaxCostUSD != raised {
		t.Fatalf("a later resume: %d samples, budget %+v; want the raised cap kept and no sample", later.Samples, later.Budget)
	}
	code, out, stderr := runCLI(t, "show", id, "--db", db)
	if code != 0 {
		t.Fatalf("show: exit %d: %s", code, stderr)
	}
	want := fmt.Sprintf("spent $%.4f of $%g", more.RunCostUSD(), raised)
	if !strings.Contains(out, want) {
		t.Fatalf("show does not say %q:\n%s", want, out)
	}
}

// TestServiceResumeKeepsRunBudget: through the API, a run stopped by its
// max-cost and resumed with no body stops again at once; resumed with a
// raised cap (POST /v1/runs/{id}/resume {"max-cost": 1}) its total stays
// under the new cap, and the run says "spent $X of $1". A bad cap is a 400
// naming it.
func TestServiceResumeKeepsRunBudget(t *testing.T) {
	s := startTestService(t, filepath.Join(t.TempDir(), "j.db"))
	const first, raised = 0.5, 1.0
	var created map[string]string
	desc := map[string]any{"kind": "hanoi", "params": map[string]any{"disks": 8},
		"settings": map[string]any{"k": 2, "max-cost": first, "price-in": 20, "price-out": 20}}
	if code := s.do("POST", "/v1/runs", desc, &created); code != 201 {
		t.Fatalf("POST /v1/runs: %d %v", code, created)
	}
	id := created["id"]
	start := s.wait(id, time.Minute)
	if start.Status != maker.StatusBudget || start.Summary == nil || start.Summary.Samples == 0 {
		t.Fatalf("the first session: %s, summary %+v", start.Status, start.Summary)
	}
	over := 4 * start.CostUSD / float64(start.Summary.Samples)
	resume := func(body any) runs.Info {
		t.Helper()
		var out map[string]any
		if code := s.do("POST", "/v1/runs/"+id+"/resume", body, &out); code != 202 {
			t.Fatalf("resume %v: %d %v", body, code, out)
		}
		for {
			in := s.wait(id, time.Minute)
			if len(in.Sessions) > 0 && in.Sessions[len(in.Sessions)-1].Status != maker.StatusRunning {
				return in
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	again := resume(nil)
	if again.Status != maker.StatusBudget || again.Summary.Samples != start.Summary.Samples {
		t.Fatalf("resumed without a new cap: %s, %d samples in all, was %d; want none more", again.Status, again.Summary.Samples, start.Summary.Samples)
	}
	more := resume(map[string]any{"max-cost": raised})
	if more.Status != maker.StatusBudget || more.Summary.Samples == start.Summary.Samples || more.CostUSD > raised+over || more.BudgetUSD != raised {
		t.Fatalf("resumed with max-cost %g: %s, spent $%.4f of $%g", raised, more.Status, more.CostUSD, more.BudgetUSD)
	}
	if want := fmt.Sprintf("spent $%.4f of $%g", more.CostUSD, raised); more.Spent != want {
		t.Fatalf("spent %q, want %q", more.Spent, want)
	}
	var out map[string]any
	if code := s.do("POST", "/v1/runs/"+id+"/resume", map[string]any{"max-cost": -1}, &out); code != 400 || !strings.Contains(fmt.Sprint(out["error"]), "max-cost") {
		t.Fatalf("a negative cap: %d %v", code, out)
	}
}
