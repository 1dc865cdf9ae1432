package calibrate

import (
	"math/rand/v2"

	"github.com/maker-go/maker/hanoi"
)

// HanoiProbes draws n random steps (with repeats) of the Towers of Hanoi
// with the given disks, as probes with their right answers. The steps
// depend only on seed, so a calibration can be repeated on the same ones.
func HanoiProbes(disks, n int, seed uint64) []Probe[hanoi.State] {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	idx := make([]int, n)
	for i := range idx {
		idx[i] = rng.IntN(hanoi.Steps(disks))
	}
	refs := hanoi.Reference(disks, idx)
	probes := make([]Probe[hanoi.State], len(refs))
	for i, r := range refs {
		probes[i] = Probe[hanoi.State]{Step: r.Step, State: r.Before, Prev: r.Prev, Right: r.Right}
	}
	return probes
}
