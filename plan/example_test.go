package plan_test

import (
	"fmt"

	"github.com/maker-go/maker/plan"
)

// The margin needed for gpt-4.1-mini (p = 0.9978) to solve Towers of Hanoi
// with 95% probability grows only logarithmically with the number of disks.
func ExampleKMin() {
	for _, disks := range []int{10, 15, 20, 25} {
		steps := 1<<disks - 1
		k, err := plan.KMin(0.9978, steps, 0.95, 1)
		if err != nil {
			panic(err)
		}
		full, _ := plan.SuccessFull(0.9978, k, steps, 1)
		fmt.Printf("%d disks: k_min = %d, p_full = %.4f\n", disks, k, full)
	}
	// Output:
	// 10 disks: k_min = 2, p_full = 0.9950
	// 15 disks: k_min = 3, p_full = 0.9996
	// 20 disks: k_min = 3, p_full = 0.9888
	// 25 disks: k_min = 4, p_full = 0.9992
}

// The paper's million-step run: 20 disks with gpt-4.1-mini at τ = 0.1,
// $0.40/$1.60 per million input/output tokens, about 600 input and 538 output
// tokens per call, and a 2-second round trip.
func ExampleCompute() {
	pl, err := plan.Compute(plan.Input{
		P:              1 - 0.0022,
		Steps:          1<<20 - 1,
		Target:         0.95,
		Prices:         plan.Prices{InPerMTok: 0.40, OutPerMTok: 1.60},
		InTokens:       600,
		OutTokens:      538,
		LatencySeconds: 2,
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("k_min %d: p_full %.4f (k_min-1: %.4f)\n", pl.KMin, pl.PFull, *pl.PFullKMinus1)
	fmt.Printf("votes/step %.4f, samples %.3g, cost $%.0f\n",
		pl.ExpectedVotesPerStep, pl.ExpectedSamples, pl.ExpectedCostUSD)
	for _, row := range pl.UndecidedAfterRound {
		fmt.Printf("open after %d votes: %.3g\n", row.Votes, row.Undecided)
	}
	fmt.Printf("wall %.1f days\n", pl.ExpectedWallSeconds/86400)
	// Output:
	// k_min 3: p_full 0.9888 (k_min-1: 0.0061)
	// votes/step 3.0133, samples 3.16e+06, cost $3478
	// open after 3 votes: 6.91e+03
	// open after 5 votes: 45.5
	// open after 7 votes: 0.299
	// open after 9 votes: 0.00197
	// wall 24.6 days
}

// Calibration: 22 errors in 10,000 sampled steps. Planning with the lower end
// of the 95% interval for p guards against an optimistic estimate.
func ExampleWilson() {
	lo, hi, err := plan.Wilson(10000-22, 10000, plan.Z95)
	if err != nil {
		panic(err)
	}
	kLo, _ := plan.KMin(lo, 1<<20-1, 0.95, 1)
	fmt.Printf("p in [%.5f, %.5f]; k_min at the lower end = %d\n", lo, hi, kLo)
	// Output:
	// p in [0.99667, 0.99855]; k_min at the lower end = 3
}
