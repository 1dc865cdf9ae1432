package plan

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// genP draws p from (0.5, 1], including values very close to both ends.
func genP(lo float64) *rapid.Generator[float64] {
	return rapid.OneOf(
		rapid.Float64Range(lo, 1),
		rapid.Map(rapid.Float64Range(1e-12, 1e-2), func(e float64) float64 { return 1 - e }),
		rapid.Just(1.0),
	)
}

func TestPropSuccessMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genP(0.5001).Draw(t, "p")
		p2 := rapid.Float64Range(p, 1).Draw(t, "p2")
		k := rapid.IntRange(1, 200).Draw(t, "k")
		s := rapid.IntRange(1, 1e9).Draw(t, "s")
		a, _ := SuccessPerStep(p, k)
		b, _ := SuccessPerStep(p, k+1)
		c, _ := SuccessPerStep(p2, k)
		if !(a <= b && a <= c && a > 0.5 && b <= 1 && c <= 1) {
			t.Fatalf("per step: S(p,k)=%v S(p,k+1)=%v S(p2,k)=%v", a, b, c)
		}
		fa, _ := SuccessFull(p, k, s, 1)
		fb, _ := SuccessFull(p, k+1, s, 1)
		fc, _ := SuccessFull(p2, k, s, 1)
		if !(fa <= fb && fa <= fc && fa >= 0 && fb <= 1 && fc <= 1) {
			t.Fatalf("full: S(p,k)=%v S(p,k+1)=%v S(p2,k)=%v", fa, fb, fc)
		}
	})
}

func TestPropKMinMinimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genP(0.52).Draw(t, "p")
		s := rapid.IntRange(1, 1e9).Draw(t, "s")
		m := rapid.IntRange(1, min(s, 1000)).Draw(t, "m")
		target := rapid.Float64Range(1e-6, 1-1e-12).Draw(t, "t")
		k, err := KMin(p, s, target, m)
		if err != nil {
			t.Fatal(err)
		}
		at, _ := SuccessFull(p, k, s, m)
		if at < target {
			t.Fatalf("SuccessFull(k_min=%d) = %v < t = %v", k, at, target)
		}
		if k > 1 {
			below, _ := SuccessFull(p, k-1, s, m)
			if below >= target {
				t.Fatalf("SuccessFull(k_min-1=%d) = %v >= t = %v", k-1, below, target)
			}
		}
	})
}

func TestPropExpectedVotesBounds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genP(0.5+1e-9).Draw(t, "p")
		k := rapid.IntRange(1, MaxK).Draw(t, "k")
		e, err := ExpectedVotes(p, k)
		if err != nil {
			t.Fatal(err)
		}
		if upper := float64(k) / (2*p - 1); e < float64(k) || e > upper {
			t.Fatalf("E[N] = %v outside [k=%d, k/(2p-1)=%v]", e, k, upper)
		}
	})
}

// TestPropDistribution checks that the DP is a probability law whose mean is
// ExpectedVotes and whose tail never grows. maxVotes is chosen so the tail
// left out is negligible: per two votes the open mass shrinks by at least
// 4pq <= 0.96 for p >= 0.6, so 2000 extra votes leave < 0.96^1000 ≈ 2e-18.
func TestPropDistribution(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genP(0.6).Draw(t, "p")
		k := rapid.IntRange(1, 15).Draw(t, "k")
		d, err := VoteDistribution(p, k, k+2000)
		if err != nil {
			t.Fatal(err)
		}
		var sum, mean, correct float64
		for n := range d.Correct {
			pn := d.Correct[n] + d.Wrong[n]
			sum += pn
			mean += float64(n) * pn
			correct += d.Correct[n]
			if n > 0 && d.Undecided[n] > d.Undecided[n-1] {
				t.Fatalf("U(%d) = %v > U(%d) = %v", n, d.Undecided[n], n-1, d.Undecided[n-1])
			}
			if n < k && pn != 0 {
				t.Fatalf("P(N=%d) = %v before k=%d", n, pn, k)
			}
		}
		tail := d.Undecided[d.MaxVotes]
		if math.Abs(sum+tail-1) > 1e-12 || tail > 1e-15 {
			t.Fatalf("sum = %v, tail = %v; want sum+tail = 1, tail ≈ 0", sum, tail)
		}
		want, _ := ExpectedVotes(p, k)
		if !relClose(mean, want, 1e-10) {
			t.Fatalf("DP mean = %v; ExpectedVotes = %v", mean, want)
		}
		step, _ := SuccessPerStep(p, k)
		if math.Abs(correct-step) > 1e-12 {
			t.Fatalf("DP P(correct) = %v; SuccessPerStep = %v", correct, step)
		}
		u, _ := UndecidedAfter(p, k, k+40)
		for i := 1; i < len(u); i++ {
			if u[i].Undecided > u[i-1].Undecided {
				t.Fatalf("UndecidedAfter rises at %d votes: %v", u[i].Votes, u)
			}
		}
	})
}

// TestPropKMinAtBoundary sets the target to exactly SuccessFull(k), where the
// ratio in Eq. 14 is an integer in exact arithmetic and its float ceiling can
// land on either side; KMin must still return k.
func TestPropKMinAtBoundary(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := rapid.Float64Range(0.55, 0.9999).Draw(t, "p")
		k := rapid.IntRange(2, 40).Draw(t, "k")
		s := rapid.IntRange(1, 1e9).Draw(t, "s")
		target, _ := SuccessFull(p, k, s, 1)
		below, _ := SuccessFull(p, k-1, s, 1)
		if target >= 1 || target <= 0 || below >= target {
			t.Skip("target not strictly between p_full(k-1) and 1")
		}
		if got, err := KMin(p, s, target, 1); err != nil || got != k {
			t.Fatalf("KMin(t = SuccessFull(k=%d) = %v) = %d, %v", k, target, got, err)
		}
	})
}
