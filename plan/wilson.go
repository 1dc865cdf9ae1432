package plan

import (
	"fmt"
	"math"
)

// Z95 is the two-sided 95% normal quantile, the usual z for Wilson.
const Z95 = 1.959963984540054

// Wilson returns the Wilson score interval [lo, hi] for a binomial proportion
// after successes out of n trials, at normal quantile z (Z95 for 95%):
//
//	center = (p̂ + z²/(2n)) / (1 + z²/n)
//	half   = z/(1 + z²/n) · sqrt(p̂(1-p̂)/n + z²/(4n²)),  p̂ = successes/n.
//
// Calibration needs it because p is estimated from a finite sample and is
// close to 1, where the plain normal interval collapses to zero width (for
// zero errors) and k_min is sensitive to the error rate; planning with the
// lower bound of p gives a margin that is safe at the stated confidence.
func Wilson(successes, n int, z float64) (lo, hi float64, err error) {
	if err := checkPositive("n", n); err != nil {
		return 0, 0, err
	}
	if successes < 0 || successes > n {
		return 0, 0, fmt.Errorf("plan: successes = %d is outside [0, n = %d]: %w", successes, n, ErrOutOfRange)
	}
	if math.IsNaN(z) || z <= 0 || math.IsInf(z, 0) {
		return 0, 0, fmt.Errorf("plan: z = %v must be finite and > 0: %w", z, ErrOutOfRange)
	}
	nf := float64(n)
	ph := float64(successes) / nf
	z2 := z * z
	den := 1 + z2/nf
	center := (ph + z2/(2*nf)) / den
	half := z / den * math.Sqrt(ph*(1-ph)/nf+z2/(4*nf*nf))
	lo, hi = max(0, center-half), min(1, center+half)
	// The bounds are exact at the ends: no successes cannot exclude 0, all
	// successes cannot exclude 1.
	if successes == 0 {
		lo = 0
	}
	if successes == n {
		hi = 1
	}
	return lo, hi, nil
}
