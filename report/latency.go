package report

import (
	"math"
	"slices"
	"time"
)

// latencyGrowth is the ratio between neighbouring latency buckets: a
// quantile read from the histogram is within half of it (0.5%) of the
// exact one, and a run of any length needs a few thousand buckets at most.
const latencyGrowth = 1.01

var logLatencyGrowth = math.Log(latencyGrowth)

// latencyHist is a log-bucketed histogram of durations, so that quantiles of
// millions of samples need constant memory.
type latencyHist struct {
	buckets map[int]int64 // bucket i holds [growth^i, growth^(i+1)) nanoseconds
	zero    int64         // durations of zero or less
	n       int64
	max     time.Duration
}

func newLatencyHist() *latencyHist { return &latencyHist{buckets: map[int]int64{}} }

func (h *latencyHist) add(d time.Duration) {
	h.n++
	if d > h.max {
		h.max = d
	}
	if d <= 0 {
		h.zero++
		return
	}
	h.buckets[int(math.Floor(math.Log(float64(d))/logLatencyGrowth))]++
}

// quantile returns the nearest-rank q-quantile (0 < q <= 1): the smallest
// recorded duration with at least q·n durations at or below it, to within
// 0.5%. It returns 0 when nothing was recorded.
func (h *latencyHist) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	if rank <= h.zero {
		return 0
	}
	seen := h.zero
	keys := make([]int, 0, len(h.buckets))
	for i := range h.buckets {
		keys = append(keys, i)
	}
	slices.Sort(keys)
	for _, i := range keys {
		seen += h.buckets[i]
		if seen >= rank {
			// The bucket's geometric middle, never above the true maximum.
			mid := time.Duration(math.Exp((float64(i) + 0.5) * logLatencyGrowth))
			return min(mid, h.max)
		}
	}
	return h.max
}

// summary is the p50, p90, p99 and maximum the latency chart shows.
func (h *latencyHist) summary() [4]time.Duration {
	return [4]time.Duration{h.quantile(0.5), h.quantile(0.9), h.quantile(0.99), h.max}
}
