package requirements

import (
	"context"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sim"
)

// batchRecorder is a batch model that records the temperatures it is asked
// for.
type batchRecorder struct{ temps []float64 }

func (b *batchRecorder) Generate(_ context.Context, req maker.Request) (maker.Response, error) {
	b.temps = append(b.temps, req.Temperature)
	return maker.Response{}, nil
}

func (b *batchRecorder) GenerateBatch(_ context.Context, req maker.Request, n int) ([]maker.Response, error) {
	b.temps = append(b.temps, req.Temperature)
	return make([]maker.Response, n), nil
}

func TestWithProposalTemperature(t *testing.T) {
	rec := &batchRecorder{}
	m := WithProposalTemperature(rec, 0.8)
	bm, ok := m.(maker.BatchModel)
	if !ok {
		t.Fatal("the wrapper hides the batch call")
	}
	ctx := context.Background()
	for _, tc := range []struct {
		kind Kind
		temp float64
	}{{KindPurposeProposal, 0}, {KindFeatureProposal, 0.1}, {KindScope, 0}, {KindCriteria, 0.1}, {KindPurposeChoice, 0}} {
		req := maker.Request{Prompt: maker.Prompt{Hint: Hint{Kind: tc.kind}}, Temperature: tc.temp}
		if _, err := m.Generate(ctx, req); err != nil {
			t.Fatal(err)
		}
		if _, err := bm.GenerateBatch(ctx, req, 2); err != nil {
			t.Fatal(err)
		}
	}
	want := []float64{0.8, 0.8, 0.8, 0.8, 0, 0, 0.1, 0.1, 0, 0}
	for i, w := range want {
		if rec.temps[i] != w {
			t.Fatalf("temperatures %v, want %v", rec.temps, want)
		}
	}

	s, err := sim.New(&Intent{}, sim.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	ws := WithProposalTemperature(s, 0.8)
	if !maker.IsSimulated(ws) {
		t.Error("the wrapped simulator no longer says it is simulated")
	}
	if p, ok := ws.(maker.Priced); !ok || p.Pricing() != s.Pricing() {
		t.Error("the wrapper loses the model's prices")
	}
	if _, ok := ws.(maker.BatchModel); ok {
		t.Error("the wrapper claims a batch call the model lacks")
	}
}
