package maker_test

import (
	"context"
	"testing"

	"github.com/maker-go/maker"
)

// BenchmarkVote measures the voting loop alone: an instant model that is
// always right, k=3, so every step takes three samples, without and with
// speculation. It reports samples per second.
func BenchmarkVote(b *testing.B) {
	m := maker.ModelFunc(func(ctx context.Context, r maker.Request) (maker.Response, error) {
		return maker.Response{Text: "answer=R", OutputTokens: 10}, nil
	})
	for _, c := range []struct {
		name      string
		ordered   bool
		speculate int
	}{{"arrival", false, 0}, {"ordered", true, 0}, {"arrival-speculate2", false, 2}, {"ordered-speculate2", true, 2}} {
		b.Run(c.name, func(b *testing.B) {
			res, err := maker.Run(context.Background(), countTask{n: b.N}, m, maker.Config{K: 3, Ordered: c.ordered, Speculate: c.speculate})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(res.Summary.Samples)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}
