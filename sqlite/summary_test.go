package sqlite_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sqlite"
)

// batchOracle answers every prompt right and can answer several at once,
// billing each request 100 input tokens, 60 of them from a prompt cache.
type batchOracle struct{ oracle maker.Oracle }

func (m batchOracle) answer(p maker.Prompt) maker.Response {
	a, _ := m.oracle.Answer(p)
	return maker.Response{Text: a.Right, OutputTokens: 50, Finish: maker.FinishStop}
}

func (m batchOracle) Generate(_ context.Context, req maker.Request) (maker.Response, error) {
	r := m.answer(req.Prompt)
	r.InputTokens, r.CachedInputTokens = 100, 60
	return r, nil
}

func (m batchOracle) GenerateBatch(_ context.Context, req maker.Request, n int) ([]maker.Response, error) {
	out := make([]maker.Response, n)
	for i := range out {
		out[i] = m.answer(req.Prompt)
	}
	out[0].InputTokens, out[0].CachedInputTokens = 100, 60
	return out, nil
}

// TestSummaryOfResumedBatchedRun stops a batched, cached run part-way, in
// one case ending the session (its summary is stored) and in the other
// dropping it as a kill would (its summary is rebuilt from its steps),
// resumes it, and checks that the journal's summary of the two sessions
// counts what the uninterrupted run counts, savings included.
func TestSummaryOfResumedBatchedRun(t *testing.T) {
	ctx := context.Background()
	task, err := hanoi.New(5)
	if err != nil {
		t.Fatal(err)
	}
	model := batchOracle{oracle: task}
	cfg := maker.Config{K: 3, Batch: true, Ordered: true, Pricing: maker.Pricing{InPerMTok: 1, CachedInPerMTok: 0.5, OutPerMTok: 2}}
	full, err := maker.Run(ctx, task, model, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := full.Summary
	if want.BatchedRequests == 0 || want.InputSavedByBatch == 0 || want.SavedUSD == 0 {
		t.Fatalf("the uninterrupted run saved nothing: %+v", want)
	}
	for _, killed := range []bool{false, true} {
		db := openDB(t)
		j, err := db.Create(ctx, sqlite.NewRun{Kind: "hanoi", Task: task.Name(), TotalSteps: task.Steps()}, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		cfg1 := cfg
		cfg1.MaxSteps = 12
		cfg1.Observers = []maker.Observer{j}
		first, err := maker.Run(ctx, task, model, cfg1)
		if err != nil {
			t.Fatal(err)
		}
		if killed {
			err = j.Close()
		} else {
			err = j.Finish(&first.Summary, maker.RunStatus(&first.Summary, nil))
		}
		if err != nil {
			t.Fatal(err)
		}
		j2, cp, err := db.Resume(ctx, j.ID(), sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var state hanoi.State
		if err := json.Unmarshal(cp.State, &state); err != nil {
			t.Fatal(err)
		}
		cfg2 := cfg
		cfg2.Observers = []maker.Observer{j2}
		rest, err := maker.RunFrom(ctx, task, model, cfg2, maker.Checkpoint[hanoi.State]{Step: cp.Step, State: state, Prev: cp.Prev})
		if err != nil {
			t.Fatal(err)
		}
		if err := j2.Finish(&rest.Summary, maker.RunStatus(&rest.Summary, nil)); err != nil {
			t.Fatal(err)
		}
		got, err := db.Summary(ctx, j.ID())
		if err != nil {
			t.Fatal(err)
		}
		if got.BatchedRequests != want.BatchedRequests || got.InputSavedByBatch != want.InputSavedByBatch || math.Abs(got.SavedUSD-want.SavedUSD) > 1e-12 {
			t.Errorf("killed %v: saved %d batched requests, %d input tokens, $%g; the uninterrupted run %d, %d, $%g", killed,
				got.BatchedRequests, got.InputSavedByBatch, got.SavedUSD, want.BatchedRequests, want.InputSavedByBatch, want.SavedUSD)
		}
		if got.Samples != want.Samples || got.InputTokens != want.InputTokens || got.CachedInputTokens != want.CachedInputTokens ||
			got.OutputTokens != want.OutputTokens || math.Abs(got.CostUSD-want.CostUSD) > 1e-12 || !got.Success || got.Steps != want.Steps {
			t.Errorf("killed %v: summary %+v, the uninterrupted run %+v", killed, got, want)
		}
	}
}
