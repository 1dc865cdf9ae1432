package maker_test

import (
	"context"
	"math"
	"sync/atomic"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
)

// oracleBatch answers every prompt right, in one request per call, and
// bills each request 100 input tokens, 60 of them from a prompt cache.
type oracleBatch struct {
	oracle           maker.Oracle
	singles, batches atomic.Int64
}

func (m *oracleBatch) answer(p maker.Prompt) maker.Response {
	a, _ := m.oracle.Answer(p)
	return maker.Response{Text: a.Right, OutputTokens: 50, Finish: maker.FinishStop}
}

func (m *oracleBatch) Generate(_ context.Context, req maker.Request) (maker.Response, error) {
	m.singles.Add(1)
	r := m.answer(req.Prompt)
	r.InputTokens, r.CachedInputTokens = 100, 60
	return r, nil
}

func (m *oracleBatch) GenerateBatch(_ context.Context, req maker.Request, n int) ([]maker.Response, error) {
	m.batches.Add(1)
	out := make([]maker.Response, n)
	for i := range out {
		out[i] = m.answer(req.Prompt)
	}
	out[0].InputTokens, out[0].CachedInputTokens = 100, 60
	return out, nil
}

func TestBatchSavingsInSummary(t *testing.T) {
	task, err := hanoi.New(3)
	if err != nil {
		t.Fatal(err)
	}
	price := maker.Pricing{InPerMTok: 1, CachedInPerMTok: 0.5, OutPerMTok: 2}
	for _, batch := range []bool{true, false} {
		m := &oracleBatch{oracle: task}
		res, err := maker.Run(context.Background(), task, m, maker.Config{K: 3, Batch: batch, Pricing: price})
		if err != nil {
			t.Fatal(err)
		}
		s := res.Summary
		if !s.Success || s.Samples != 21 {
			t.Fatalf("batch %v: success %v, %d samples", batch, s.Success, s.Samples)
		}
		// Each of the 7 steps: the first vote alone at the first
		// temperature, then the other two in one request with n=2.
		wantBatches, wantSingles := int64(7), int64(7)
		if !batch {
			wantBatches, wantSingles = 0, 21
		}
		if m.batches.Load() != wantBatches || m.singles.Load() != wantSingles || s.BatchedRequests != wantBatches {
			t.Errorf("batch %v: %d batched, %d single requests, summary %d batched", batch, m.batches.Load(), m.singles.Load(), s.BatchedRequests)
		}
		requests := wantBatches + wantSingles
		if s.InputTokens != 100*requests || s.CachedInputTokens != 60*requests || s.InputSavedByBatch != 100*wantBatches {
			t.Errorf("batch %v: %d in, %d cached, %d saved by batch", batch, s.InputTokens, s.CachedInputTokens, s.InputSavedByBatch)
		}
		wantSaved := (float64(100*wantBatches)*1 + float64(60*requests)*(1-0.5)) / 1e6
		if math.Abs(s.SavedUSD-wantSaved) > 1e-12 {
			t.Errorf("batch %v: saved $%g, want $%g", batch, s.SavedUSD, wantSaved)
		}
	}
}
