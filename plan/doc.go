// Package plan is the planning arithmetic of MAKER (Meyerson et al. 2025,
// "Solving a Million-Step LLM Task with Zero Errors"): given a calibrated
// per-step success rate it says which vote margin k a run needs, what that
// margin buys, and what the run will cost in samples, dollars and time,
// before any money is spent. It is pure arithmetic with no I/O.
//
// # Model
//
// A task has s steps, voted in subtasks of m steps (m = 1 is maximal agentic
// decomposition, one LLM call per step). One valid sample is correct with
// probability p, independently across samples and steps; a fraction v of
// samples is valid, the rest are red-flagged, discarded and resampled. Votes
// are counted with first-to-ahead-by-k: a step is decided when one answer has
// k more votes than any other. The analysis, as in the paper, races the
// correct answer against a single wrong one, so the vote margin D (correct
// minus wrong) is a ±1 random walk from 0, up with probability p, absorbed at
// ±k. Write q = 1-p and r = q/p. Voting helps only if p > 0.5 (r < 1); for
// p <= 0.5 every function that takes p reports ErrVotingCannotHelp, and other
// bad inputs report ErrOutOfRange naming the input. p = 1 is allowed (r = 0:
// one unanimous round decides, k_min = 1).
//
// # Formulas
//
// Per-step success (Eq. 9, gambler's ruin), SuccessPerStep:
//
//	P(step correct) = p^k / (p^k + q^k) = 1 / (1 + r^k)
//
// Whole-task success (Eq. 13), SuccessFull, computed as
// exp(-(s/m)·log1p(r^k)) so it neither underflows nor loses r^k against 1:
//
//	p_full = (1 + r^k)^(-s/m)
//
// Minimum margin for a target t (Eq. 14), KMin, with
// t^(-m/s) - 1 = expm1(-(m/s)·ln t) to avoid cancellation, at least 1, and
// then checked so that p_full(k_min) >= t > p_full(k_min - 1) holds exactly
// in floating point:
//
//	k_min = max(1, ceil( ln(t^(-m/s) - 1) / ln r )) = Θ(ln s)
//
// Expected valid votes per step, ExpectedVotes (exact duration of the walk;
// the paper's cost formula uses the upper bound):
//
//	E[N] = (k/(2p-1)) · (1 - r^k)/(1 + r^k),   k <= E[N] <= k/(2p-1)
//
// Expected samples (LLM calls) per step, ExpectedSamples, and for m > 1 in
// Compute also divided by p^(m-1), the chance that a sample is either the
// correct answer or the likeliest wrong one (Eq. 15):
//
//	E[samples] = E[N] / v            (m = 1)
//	E[samples] = E[N] / (v·p^(m-1))  (m > 1)
//
// Distribution of votes per step, VoteDistribution, UndecidedAfter and
// UndecidedTable: dynamic programming over D in (-k, k), one vote at a time,
// gives P(N = n) and the probability P(N > n) that a step is still open after
// n votes. With two candidates N is k, k+2, k+4, ..., P(N = k) = p^k + q^k,
// and for k = 3 each further pair of votes multiplies the open mass by 3pq.
// The expected number of open steps after n votes is s·P(N > n).
//
// Cost, CostPerSample and ExpectedCost, with prices in dollars per million
// tokens and token counts per call (input includes the cached part):
//
//	c      = ((in - cached)·In + cached·CachedIn + out·Out) / 1e6
//	E[cost] = s · E[samples] · c   ≈ c·s·k_min / (v·(2p-1))
//
// Wall time, ExpectedWall (a model, not from the paper): steps are
// sequential; the first k samples of a step run in parallel, ceil(k/C)
// rounds with at most C calls in flight; every further sample takes one more
// round; a round takes one latency L:
//
//	wall = s · (ceil(k/C) + max(0, E[samples] - k)) · L
//
// Wall time with and without speculation, ProjectSpeculation (a model, not
// from the paper): L is read as the 90th percentile of a log-normal call
// latency of spread sigma (median L·exp(-1.2816·sigma)); each step's vote is
// simulated as the engine runs it, and the next step starts when the step
// is decided (WallSeconds) or, speculating at depth
// maker.SpeculationDepth(1-p), when its final leader took the lead, at most
// that many steps ahead of the first undecided one (SpeculativeWallSeconds).
// At p = 0.9978, k = 3, sigma 0.3 a step takes 1.33 medians without and 0.80
// with speculation, near the floor E[fastest of k] = 0.795 medians; a lead
// change throws away the k samples of the step built on the old leader.
//
// Calibration interval, Wilson (score interval for p̂ = x/n at quantile z):
//
//	(p̂ + z²/2n ± z·sqrt(p̂(1-p̂)/n + z²/4n²)) / (1 + z²/n)
//
// # Checked figures
//
// The tests reproduce every k_min of the paper's 20-disk table
// (s = 2^20-1, t = 0.95), and for gpt-4.1-mini (p = 0.9978, k = 3, $0.40 and
// $1.60 per million input and output tokens, 600 and 538 tokens per call)
// E[N] = 3.0133 votes per step, 3.16 million calls, about $3,480 against the
// paper's $3.5K, and about 6,905, 45.5, 0.30 and 0.002 steps still open after
// 3, 5, 7 and 9 votes.
package plan
