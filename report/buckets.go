package report

import "time"

// MaxPoints bounds the points of every per-step series. Buckets start one
// step wide and double in width whenever there would be more, so a series
// ends with between MaxPoints/2 and MaxPoints points however long the run.
const MaxPoints = 2000

// bucket is a run of consecutive steps folded together.
type bucket struct {
	first, last int // step indexes (0-based)
	steps       int
	votes       int64
	maxVotes    int
	samples     int64
	cost        float64
	wall        time.Duration
}

func (b *bucket) merge(o bucket) {
	b.last = o.last
	b.steps += o.steps
	b.votes += o.votes
	b.maxVotes = max(b.maxVotes, o.maxVotes)
	b.samples += o.samples
	b.cost += o.cost
	b.wall += o.wall
}

// series folds steps into at most limit buckets of equal width (the last
// one may be partly filled).
type series struct {
	limit   int
	width   int
	buckets []bucket
}

func newSeries(limit int) *series { return &series{limit: limit, width: 1} }

func (s *series) add(st *Step) {
	b := bucket{first: st.Index, last: st.Index, steps: 1, votes: int64(st.Votes), maxVotes: st.Votes,
		samples: int64(st.Samples), cost: st.Cost, wall: st.Wall}
	if n := len(s.buckets); n > 0 && s.buckets[n-1].steps < s.width {
		s.buckets[n-1].merge(b)
		return
	}
	s.buckets = append(s.buckets, b)
	if len(s.buckets) > s.limit {
		s.halve()
	}
}

// halve merges neighbouring buckets pairwise and doubles the width.
func (s *series) halve() {
	out := s.buckets[:0]
	for i := 0; i < len(s.buckets); i += 2 {
		b := s.buckets[i]
		if i+1 < len(s.buckets) {
			b.merge(s.buckets[i+1])
		}
		out = append(out, b)
	}
	s.buckets = out
	s.width *= 2
}
