package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker/sim"
)

// billingServer is the simulated model behind an OpenAI-compatible API
// whose every completion reports OpenRouter's usage.cost: perRequest
// dollars, far above the catalog price of the tokens.
func billingServer(t *testing.T, perRequest float64) string {
	t.Helper()
	srv, err := sim.NewServer(simOracles(), sim.ServerConfig{Model: sim.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var resp map[string]any
		if rec.Code == http.StatusOK && json.Unmarshal(body, &resp) == nil {
			if u, ok := resp["usage"].(map[string]any); ok {
				u["cost"] = perRequest
				body, _ = json.Marshal(resp)
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	t.Cleanup(ts.Close)
	return ts.URL + "/v1"
}

// TestResumeBudgetCountsBill: a run whose provider reports what each
// request cost is stopped by --max-cost on the bill, says what it spent as
// billed, and resumed without a new cap stops again at once: what the
// earlier session spent is counted as billed, not at the catalog price
// (which is far below the cap).
func TestResumeBudgetCountsBill(t *testing.T) {
	const perRequest, limit = 0.01, 0.05
	base := billingServer(t, perRequest)
	t.Setenv("OPENAI_API_KEY", fakeKey)
	db := filepath.Join(t.TempDir(), "j.db")
	first := runBudgetJSON(t, exitBudget, "hanoi", "--disks", "6", "--k", "2", "--model", "openai/gpt-4.1-mini", "--base-url", base,
		"--max-cost", fmt.Sprint(limit), "--db", db, "--json", "-q")
	charged := first.ChargedUSD()
	if first.StopReason != "budget: max-cost" || first.BilledSamples == 0 || first.CostUSD >= limit/4 || charged < limit/2 {
		t.Fatalf("the first session: stop %q, %d of %d samples billed, catalog $%.6f, charged $%.6f; want a stop on the bill, far above the catalog",
			first.StopReason, first.BilledSamples, first.Samples, first.CostUSD, charged)
	}
	if got, want := first.SpentText(), fmt.Sprintf("spent $%.4f of $%g", charged, limit); got != want {
		t.Errorf("the first session says %q, want %q (the bill)", got, want)
	}

	again := runBudgetJSON(t, exitBudget, "resume", first.RunID, "--db", db, "--json", "-q")
	if again.Samples != 0 || again.StopReason != "budget: max-cost" {
		t.Errorf("resumed without a new cap: %d samples, stop %q; want none, the bill of $%.4f already at the cap of $%g",
			again.Samples, again.StopReason, charged, limit)
	}
	if again.Budget == nil || !approx(again.Budget.CostUSDBefore, charged) {
		t.Errorf("resumed: budget %+v; want $%.6f spent before, the first session's bill", again.Budget, charged)
	}

	code, out, stderr := runCLI(t, "show", first.RunID, "--db", db)
	if want := fmt.Sprintf("spent $%.4f of $%g", charged, limit); code != 0 || !strings.Contains(out, want) {
		t.Errorf("show: exit %d, want %q in\n%s%s", code, want, out, stderr)
	}
	if bytes.Contains([]byte(out+stderr), []byte(fakeKey)) {
		t.Error("show prints the key")
	}
}

func approx(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
