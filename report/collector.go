package report

import (
	"context"
	"errors"
	"io"
	"slices"
	"sync"

	"github.com/maker-go/maker"
)

// HardestSteps is how many steps the table of hardest steps lists.
const HardestSteps = 12

var _ maker.Observer = (*Collector)(nil)

// Collector folds decided steps into what a report shows. As a
// [maker.Observer] it watches a live run; its memory does not grow with the
// run's length, so it can watch a million-step run. It is safe for
// concurrent use.
type Collector struct {
	mu sync.Mutex
	a  *aggregate
}

// NewCollector returns an empty collector.
func NewCollector() *Collector { return &Collector{a: newAggregate()} }

// Observe implements [maker.Observer]; it never fails.
func (c *Collector) Observe(_ context.Context, rec *maker.StepRecord) error {
	c.Add(StepFromRecord(rec))
	return nil
}

// Add folds in one decided step; steps are expected in order.
func (c *Collector) Add(s Step) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.a.add(&s)
}

// Steps is the number of steps added so far.
func (c *Collector) Steps() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.a.steps
}

// Render writes the report of the collected steps with the summary, planned
// rate and final state of d. The steps must come from the collector alone:
// d.Steps must be empty.
func (c *Collector) Render(w io.Writer, d *Data) error {
	if d == nil {
		return errors.New("report: no data")
	}
	if len(d.Steps) > 0 {
		return errors.New("report: steps were given both to the collector and in Data.Steps")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return render(w, d, c.a)
}

// Render writes the report of d as one self-contained HTML page.
func Render(w io.Writer, d *Data) error {
	if d == nil {
		return errors.New("report: no data")
	}
	a := newAggregate()
	steps := d.Steps
	if !slices.IsSortedFunc(steps, func(x, y Step) int { return x.Index - y.Index }) {
		steps = slices.Clone(steps)
		slices.SortStableFunc(steps, func(x, y Step) int { return x.Index - y.Index })
	}
	for i := range steps {
		a.add(&steps[i])
	}
	return render(w, d, a)
}

// aggregate is everything a report needs of the steps, in memory that does
// not grow with their number.
type aggregate struct {
	steps     int
	votesHist map[int]int64 // steps by valid votes
	kCount    map[int]int64 // steps by margin
	// correct and allVotes estimate p, as the summary's
	// [maker.Summary.MeasuredP] does: correct counts [maker.RightVotes].
	correct, allVotes int64
	wrongSteps        int
	flags             map[maker.Flag]int64
	cancelled         int64
	samples           int64
	cost              float64
	sampleLat         *latencyHist
	stepWall          *latencyHist
	series            *series
	hardest           []Step // most votes first, at most HardestSteps
}

func newAggregate() *aggregate {
	return &aggregate{
		votesHist: map[int]int64{},
		kCount:    map[int]int64{},
		flags:     map[maker.Flag]int64{},
		sampleLat: newLatencyHist(),
		stepWall:  newLatencyHist(),
		series:    newSeries(MaxPoints),
	}
}

func (a *aggregate) add(s *Step) {
	a.steps++
	a.votesHist[s.Votes]++
	a.kCount[s.K]++
	if s.Wrong {
		a.wrongSteps++
	}
	a.correct += int64(maker.RightVotes(s.Tally, s.winner(), s.Wrong))
	a.allVotes += int64(s.Votes)
	for f, n := range s.Flags {
		a.flags[f] += int64(n)
	}
	a.cancelled += int64(s.Cancelled)
	a.samples += int64(s.Samples)
	a.cost += s.Cost
	for _, l := range s.SampleLatencies {
		a.sampleLat.add(l)
	}
	a.stepWall.add(s.Wall)
	a.series.add(s)
	a.keepHardest(s)
}

// harder orders steps for the hardest-steps table: more votes, then more
// samples, then the earlier step.
func harder(x, y *Step) bool {
	if x.Votes != y.Votes {
		return x.Votes > y.Votes
	}
	if x.Samples != y.Samples {
		return x.Samples > y.Samples
	}
	return x.Index < y.Index
}

func (a *aggregate) keepHardest(s *Step) {
	if len(a.hardest) == HardestSteps && !harder(s, &a.hardest[len(a.hardest)-1]) {
		return
	}
	c := *s
	c.Tally = slices.Clone(s.Tally)
	c.SampleLatencies = nil
	i, _ := slices.BinarySearchFunc(a.hardest, &c, func(e Step, t *Step) int {
		if harder(&e, t) {
			return -1
		}
		return 1
	})
	a.hardest = slices.Insert(a.hardest, i, c)
	if len(a.hardest) > HardestSteps {
		a.hardest = a.hardest[:HardestSteps]
	}
}

// modeK is the margin most steps were decided with (the smallest among
// equals), or 0 with no steps.
func (a *aggregate) modeK() int {
	best, bestN := 0, int64(-1)
	for k, n := range a.kCount {
		if n > bestN || (n == bestN && k < best) {
			best, bestN = k, n
		}
	}
	return best
}

// maxVotes is the most votes any step took.
func (a *aggregate) maxVotes() int {
	m := 0
	for v := range a.votesHist {
		m = max(m, v)
	}
	return m
}

// undecidedAfter is the number of steps that took more than n votes.
func (a *aggregate) undecidedAfter(n int) int64 {
	var u int64
	for v, c := range a.votesHist {
		if v > n {
			u += c
		}
	}
	return u
}
