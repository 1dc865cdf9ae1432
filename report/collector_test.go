package report

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

// A live collector and a slice of records read back later must give the
// same report, byte for byte, and rendering must not change the collector.
func TestCollectorMatchesRecords(t *testing.T) {
	run := runSim(t, 6, 0.05, 0, 3)
	d := run.data()
	var fromRecs, live1, live2 bytes.Buffer
	if err := Render(&fromRecs, d); err != nil {
		t.Fatal(err)
	}
	meta := &Data{Summary: d.Summary, PlannedP: d.PlannedP, Final: d.Final}
	if err := run.collector.Render(&live1, meta); err != nil {
		t.Fatal(err)
	}
	if err := run.collector.Render(&live2, meta); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fromRecs.Bytes(), live1.Bytes()) {
		t.Error("the collector's report differs from the one rendered from the records")
	}
	if !bytes.Equal(live1.Bytes(), live2.Bytes()) {
		t.Error("rendering the collector twice gave two different reports")
	}
	if got, want := run.collector.Steps(), len(run.recs); got != want {
		t.Errorf("collector saw %d steps, want %d", got, want)
	}
	if err := run.collector.Render(&live1, d); err == nil {
		t.Error("steps given both to the collector and in Data.Steps: no error")
	}
	// Steps out of order are sorted, not charted backwards.
	shuffled := *d
	shuffled.Steps = slices.Clone(d.Steps)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled.Steps), func(i, j int) {
		shuffled.Steps[i], shuffled.Steps[j] = shuffled.Steps[j], shuffled.Steps[i]
	})
	var sorted bytes.Buffer
	if err := Render(&sorted, &shuffled); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sorted.Bytes(), fromRecs.Bytes()) {
		t.Error("steps given out of order gave another report")
	}
}

// randomSteps makes steps with two or three candidates and some flags.
func randomSteps(n int, seed uint64) []Step {
	rng := rand.New(rand.NewPCG(seed, 1))
	steps := make([]Step, n)
	for i := range steps {
		k := 2 + rng.IntN(3)
		right, wrong, other := k, rng.IntN(3), rng.IntN(2)
		right += wrong + other // the winner ends k ahead of the runner-up
		tally := []maker.KeyCount{{Key: "right", Votes: right}, {Key: "wrong", Votes: wrong}, {Key: "other", Votes: other}}
		st := Step{Index: i, K: k, Votes: right + wrong + other, Tally: tally, Winner: "right",
			Cost: rng.Float64() / 100, Wall: time.Duration(rng.IntN(1e9)), Wrong: rng.IntN(50) == 0}
		if rng.IntN(4) == 0 {
			st.Flags = map[maker.Flag]int{maker.FlagMalformed: 1 + rng.IntN(2)}
		}
		st.Samples = st.Votes + st.flagged()
		for range st.Votes {
			st.SampleLatencies = append(st.SampleLatencies, time.Duration(rng.IntN(1e8)))
		}
		steps[i] = st
	}
	return steps
}

func TestAggregateAgainstBruteForce(t *testing.T) {
	steps := randomSteps(5000, 9)
	a := newAggregate()
	for i := range steps {
		a.add(&steps[i])
	}

	// The hardest steps are the first HardestSteps of a full sort.
	all := slices.Clone(steps)
	slices.SortStableFunc(all, func(x, y Step) int {
		if harder(&x, &y) {
			return -1
		}
		if harder(&y, &x) {
			return 1
		}
		return 0
	})
	if len(a.hardest) != HardestSteps {
		t.Fatalf("kept %d hardest steps, want %d", len(a.hardest), HardestSteps)
	}
	for i, h := range a.hardest {
		if h.Index != all[i].Index {
			t.Errorf("hardest #%d is step %d, want %d", i, h.Index, all[i].Index)
		}
	}

	// Undecided counts, p and flags against direct sums.
	var correct, votes int
	flags := map[maker.Flag]int64{}
	kCount := map[int]int{}
	for _, s := range steps {
		w := s.Tally[0].Votes
		if s.Wrong {
			w = s.Votes - w
		}
		correct += w
		votes += s.Votes
		for f, n := range s.Flags {
			flags[f] += int64(n)
		}
		kCount[s.K]++
	}
	for n := 0; n < 20; n++ {
		var want int64
		for _, s := range steps {
			if s.Votes > n {
				want++
			}
		}
		if got := a.undecidedAfter(n); got != want {
			t.Errorf("undecided after %d votes: %d, want %d", n, got, want)
		}
	}
	if p, _ := estimateP(a); math.Abs(p-float64(correct)/float64(votes)) > 1e-12 {
		t.Errorf("p estimate %v, want %v", p, float64(correct)/float64(votes))
	}
	if flags[maker.FlagMalformed] != a.flags[maker.FlagMalformed] {
		t.Errorf("malformed flags %d, want %d", a.flags[maker.FlagMalformed], flags[maker.FlagMalformed])
	}
	mode := a.modeK()
	for k, n := range kCount {
		if n > kCount[mode] {
			t.Errorf("modeK = %d (%d steps), but k = %d has %d", mode, kCount[mode], k, n)
		}
	}
}

// The estimate of p from the votes of a real simulated run must land near
// the simulator's true per-vote success rate.
func TestEstimatePFromSimRun(t *testing.T) {
	const errRate = 0.08
	run := runSim(t, 10, errRate, 0, 3)
	a := newAggregate()
	for _, r := range run.recs {
		s := StepFromRecord(r)
		a.add(&s)
	}
	p, _ := estimateP(a)
	truth := run.plannedP // (1-e)/(1-e·flagShare): flagged samples never vote
	// Four standard errors of a proportion over this many votes: the
	// stopping rule leaves the estimate consistent, with a bias far below
	// this.
	tol := 4 * math.Sqrt(truth*(1-truth)/float64(a.allVotes))
	if math.Abs(p-truth) > tol {
		t.Errorf("p estimate %.5f from %d votes, true %.5f (tolerance %.5f)", p, a.allVotes, truth, tol)
	}
}
