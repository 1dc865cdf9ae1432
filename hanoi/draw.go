package hanoi

import "math/rand/v2"

// Draw returns n steps of the n-disk optimal solution picked at random
// (with repeats) from seed, as [Reference] gives them: the steps a
// calibration samples. The same seed draws the same steps.
func Draw(disks, n int, seed uint64) []RefStep {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	idx := make([]int, n)
	for i := range idx {
		idx[i] = rng.IntN(Steps(disks))
	}
	return Reference(disks, idx)
}
