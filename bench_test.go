package maker_test

import (
	"context"
	"testing"

	"github.com/maker-go/maker"
)

// BenchmarkVote measures the voting loop alone: an instant model that is
// always right, k=3, so every step takes three samples. It reports samples
// per second.
func BenchmarkVote(b *testing.B) {
	m := maker.ModelFunc(func(ctx context.Context, r maker.Request) (maker.Response, error) {
		return maker.Response{Text: "answer=R", OutputTokens: 10}, nil
	})
	for _, ordered := range []bool{false, true} {
		name := "arrival"
		if ordered {
			name = "ordered"
		}
		b.Run(name, func(b *testing.B) {
			res, err := maker.Run(context.Background(), countTask{n: b.N}, m, maker.Config{K: 3, Ordered: ordered})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(res.Summary.Samples)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}
