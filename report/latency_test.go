package report

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestLatencyQuantiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		gen  func() time.Duration
		n    int
	}{
		{"lognormal around 800ms", func() time.Duration {
			return time.Duration(float64(800*time.Millisecond) * math.Exp(0.6*rng.NormFloat64()))
		}, 20000},
		{"some zeros", func() time.Duration {
			if rng.IntN(3) == 0 {
				return 0
			}
			return time.Duration(1 + rng.IntN(5_000_000))
		}, 3000},
		{"all zero", func() time.Duration { return 0 }, 50},
		{"one value", func() time.Duration { return 42 * time.Millisecond }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newLatencyHist()
			all := make([]time.Duration, tt.n)
			for i := range all {
				all[i] = tt.gen()
				h.add(all[i])
			}
			slices.Sort(all)
			for _, q := range []float64{0.5, 0.9, 0.99, 1} {
				rank := int(math.Ceil(q * float64(len(all))))
				want := all[rank-1]
				got := h.quantile(q)
				// Within half a bucket (0.5%) of the exact nearest-rank value.
				if math.Abs(float64(got-want)) > 0.005*float64(want)+1 {
					t.Errorf("q=%v: got %v, exact %v", q, got, want)
				}
			}
			if h.max != all[len(all)-1] {
				t.Errorf("max %v, want %v", h.max, all[len(all)-1])
			}
		})
	}
	if got := newLatencyHist().quantile(0.5); got != 0 {
		t.Errorf("empty histogram: %v, want 0", got)
	}
}
