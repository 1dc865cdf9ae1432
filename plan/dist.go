package plan

import "fmt"

// Distribution is the law of the number of valid votes N a step needs under
// first-to-ahead-by-k voting with two candidates, truncated at a maximum vote
// count. It exists so a planner can see more than the mean: how many steps are
// still open after each round, what the tail looks like, and, at run time,
// whether a step that needs many votes is ordinary bad luck or a sign of
// correlated errors. Every slice is indexed by the vote count n = 0..MaxVotes.
type Distribution struct {
	// K is the margin and MaxVotes the last vote count computed.
	K, MaxVotes int
	// Correct[n] is the probability that the step is decided at exactly vote
	// n, for the correct answer.
	Correct []float64
	// Wrong[n] is the probability that the step is decided at exactly vote n,
	// for the wrong answer.
	Wrong []float64
	// Undecided[n] = P(N > n), the probability the step is still open after n
	// votes. Undecided[MaxVotes] is the mass the truncation leaves out.
	Undecided []float64
}

// VoteDistribution computes the Distribution by dynamic programming over the
// vote margin D (correct minus wrong votes), a ±1 random walk that starts at
// 0, moves up with probability p and down with 1-p, and stops at ±k. The live
// states are D in (-k, k); each vote moves their mass, and whatever reaches
// ±k is recorded as decided at that vote. Undecided[n] is the sum of the live
// mass, not 1 minus the decided mass, so tiny tails (1e-9 and below) keep full
// relative precision; it is capped at Undecided[n-1] so rounding cannot make
// it rise. Cost O(k·maxVotes) time and O(maxVotes) memory.
//
// With two candidates N has the parity of k (N is k, k+2, k+4, ...), and
// P(N = k) = p^k + (1-p)^k.
func VoteDistribution(p float64, k, maxVotes int) (Distribution, error) {
	if err := checkP(p); err != nil {
		return Distribution{}, err
	}
	if err := checkK(k); err != nil {
		return Distribution{}, err
	}
	if maxVotes < k {
		return Distribution{}, fmt.Errorf("plan: maxVotes = %d is below k = %d: %w", maxVotes, k, ErrOutOfRange)
	}
	q := 1 - p
	d := Distribution{
		K:         k,
		MaxVotes:  maxVotes,
		Correct:   make([]float64, maxVotes+1),
		Wrong:     make([]float64, maxVotes+1),
		Undecided: make([]float64, maxVotes+1),
	}
	// live[i] is the probability that no decision has been made and the
	// margin is i-(k-1).
	width := 2*k - 1
	live := make([]float64, width)
	next := make([]float64, width)
	live[k-1] = 1
	d.Undecided[0] = 1
	for n := 1; n <= maxVotes; n++ {
		clear(next)
		for i, mass := range live {
			if mass == 0 {
				continue
			}
			if i+1 == width {
				d.Correct[n] += p * mass
			} else {
				next[i+1] += p * mass
			}
			if i == 0 {
				d.Wrong[n] += q * mass
			} else {
				next[i-1] += q * mass
			}
		}
		live, next = next, live
		var open float64
		for _, mass := range live {
			open += mass
		}
		// P(N > n) cannot rise; p·m + q·m can round one ulp above m.
		d.Undecided[n] = min(open, d.Undecided[n-1])
	}
	return d, nil
}

// UndecidedPoint is one row of an undecided-steps table: after Votes valid
// votes, Undecided is either the probability that one step is still open
// (UndecidedAfter) or the expected number of open steps in a task
// (UndecidedTable, Plan).
type UndecidedPoint struct {
	Votes     int     `json:"votes"`
	Undecided float64 `json:"undecided"`
}

// UndecidedAfter returns, for each vote count n = k..maxVotes, the
// probability P(N > n) that a step is still undecided after n valid votes. It
// is the tail of VoteDistribution; the paper reports that the number of open
// steps decays exponentially with the round, and this is the i.i.d.
// prediction to compare a run against.
func UndecidedAfter(p float64, k, maxVotes int) ([]UndecidedPoint, error) {
	d, err := VoteDistribution(p, k, maxVotes)
	if err != nil {
		return nil, err
	}
	out := make([]UndecidedPoint, 0, maxVotes-k+1)
	for n := k; n <= maxVotes; n++ {
		out = append(out, UndecidedPoint{Votes: n, Undecided: d.Undecided[n]})
	}
	return out, nil
}

// UndecidedTable returns the expected number of steps, out of steps, still
// undecided after k, k+2, ..., k+2(rounds-1) valid votes. The table skips odd
// offsets because with two candidates N never has the other parity, so
// P(N > k+2j+1) = P(N > k+2j) adds no row of information; each row is one
// "round" of two more votes, which for k = 3 is exactly the fewest further
// votes that can decide an open step. For p = 0.9978, k = 3 and
// s = 1,048,575 it gives about 6,905, 45.5, 0.30 and 0.002.
func UndecidedTable(p float64, k, steps, rounds int) ([]UndecidedPoint, error) {
	if err := checkPositive("steps", steps); err != nil {
		return nil, err
	}
	if err := checkPositive("rounds", rounds); err != nil {
		return nil, err
	}
	d, err := VoteDistribution(p, k, k+2*(rounds-1))
	if err != nil {
		return nil, err
	}
	out := make([]UndecidedPoint, rounds)
	for j := range out {
		n := k + 2*j
		out[j] = UndecidedPoint{Votes: n, Undecided: float64(steps) * d.Undecided[n]}
	}
	return out, nil
}
