package plan

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestMonteCarlo simulates first-to-ahead-by-k voting as the ±1 margin walk
// (up with probability p, absorbed at ±k) for N steps with a fixed seed, and
// compares the sample statistics with the closed forms and the DP.
//
// Tolerance: each statistic is a mean of N i.i.d. terms, so its standard
// error is sqrt(Var/N), with
//   - fraction correct: Var = P(1-P), P = SuccessPerStep(p, k);
//   - mean votes:       Var = Var(N) = E[N²] - E[N]², from VoteDistribution;
//   - undecided after n: Var = U(1-U), U = P(N > n) from UndecidedAfter.
//
// Every check allows 4 standard errors. Under the model a single check fails
// with probability 6.3e-5, so about 1.8e-3 for all 28 together over a random
// seed; the seed is fixed, so the test is deterministic.
func TestMonteCarlo(t *testing.T) {
	const n = 100_000
	cases := []struct {
		p float64
		k int
	}{{0.7, 3}, {0.6, 4}, {0.9, 2}, {0.55, 5}}
	for i, c := range cases {
		rng := rand.New(rand.NewPCG(20251112, uint64(i)))
		const maxTrack = 200
		var correct int
		var votesSum float64
		var longer [maxTrack + 1]int // longer[j] = steps with N > j
		for range n {
			d, votes := 0, 0
			for d > -c.k && d < c.k {
				votes++
				if rng.Float64() < c.p {
					d++
				} else {
					d--
				}
			}
			if d == c.k {
				correct++
			}
			votesSum += float64(votes)
			for j := 0; j < votes && j <= maxTrack; j++ {
				longer[j]++
			}
		}

		dist, err := VoteDistribution(c.p, c.k, c.k+4000)
		if err != nil {
			t.Fatal(err)
		}
		check := func(what string, got, want, variance float64) {
			t.Helper()
			se := math.Sqrt(variance / n)
			if math.Abs(got-want) > 4*se {
				t.Errorf("p=%v k=%d %s: simulated %.6g, predicted %.6g, |diff| > 4·SE = %.3g",
					c.p, c.k, what, got, want, 4*se)
			}
		}

		pc, _ := SuccessPerStep(c.p, c.k)
		check("fraction correct", float64(correct)/n, pc, pc*(1-pc))

		mean, _ := ExpectedVotes(c.p, c.k)
		var m2 float64
		for v := range dist.Correct {
			m2 += float64(v) * float64(v) * (dist.Correct[v] + dist.Wrong[v])
		}
		check("mean votes", votesSum/n, mean, m2-mean*mean)

		u, _ := UndecidedAfter(c.p, c.k, c.k+8)
		for _, row := range u {
			if (row.Votes-c.k)%2 != 0 {
				continue
			}
			check("undecided after "+strconv.Itoa(row.Votes), float64(longer[row.Votes])/n, row.Undecided,
				row.Undecided*(1-row.Undecided))
		}
	}
}
