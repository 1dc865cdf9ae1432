package report

import (
	"math"
	"testing"
	"time"
)

func TestSeriesBuckets(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 100, 1001, 12345} {
		const limit = 8
		s := newSeries(limit)
		var votes int64
		var cost float64
		for i := range n {
			st := Step{Index: 10 + i, Votes: 3 + i%5, Samples: 4, Cost: 0.25, Wall: time.Millisecond}
			votes += int64(st.Votes)
			cost += st.Cost
			s.add(&st)
		}
		if len(s.buckets) > limit || (n > limit && len(s.buckets) <= limit/2) {
			t.Errorf("n=%d: %d buckets, want at most %d and more than %d", n, len(s.buckets), limit, limit/2)
		}
		var gotVotes int64
		var gotCost float64
		next := 10
		for i, b := range s.buckets {
			if b.first != next || b.last-b.first+1 != b.steps {
				t.Fatalf("n=%d: bucket %d covers %d..%d (%d steps), want to start at %d with no gap", n, i, b.first, b.last, b.steps, next)
			}
			if b.steps != s.width && i != len(s.buckets)-1 {
				t.Errorf("n=%d: bucket %d has %d steps, width is %d", n, i, b.steps, s.width)
			}
			next = b.last + 1
			gotVotes += b.votes
			gotCost += b.cost
		}
		if next != 10+n || gotVotes != votes || math.Abs(gotCost-cost) > 1e-9 {
			t.Errorf("n=%d: buckets end at %d with %d votes and $%g, want %d, %d and $%g", n, next, gotVotes, gotCost, 10+n, votes, cost)
		}
	}
}
