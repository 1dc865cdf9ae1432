package hanoi

import (
	"slices"

	"github.com/maker-go/maker"
)

// RefStep is one step of the optimal solution: the state before it, the
// previous move, and the right answer (move and next state). Calibration
// samples the model on such steps.
type RefStep struct {
	Step   int // 0-based
	Before State
	Prev   string
	Right  maker.Candidate[State]
}

// Reference returns the optimal solution's steps at the given 0-based
// indices, in the order given. It walks the solution once, so the cost is
// one pass over the largest index.
func Reference(n int, indices []int) []RefStep {
	order := slices.Clone(indices)
	slices.Sort(order)
	found := make(map[int]RefStep, len(order))
	s := Start(n)
	prev := ""
	next := 0
	for i := 0; next < len(order) && i < Steps(n); i++ {
		m := OptimalMove(n, i+1)
		for next < len(order) && order[next] == i {
			after, _ := s.Apply(m)
			found[i] = RefStep{Step: i, Before: s.Clone(), Prev: prev, Right: maker.Candidate[State]{Action: m.String(), State: after}}
			next++
		}
		// Move in place: only the captured states are copied.
		s[m.From] = s[m.From][:len(s[m.From])-1]
		s[m.To] = append(s[m.To], m.Disk)
		prev = m.String()
	}
	out := make([]RefStep, 0, len(indices))
	for _, i := range indices {
		if r, ok := found[i]; ok {
			out = append(out, r)
		}
	}
	return out
}
