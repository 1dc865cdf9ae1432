package hanoi

import (
	"iter"
	"math/bits"
)

// Steps is the length of the optimal solution for n disks, 2^n-1.
func Steps(n int) int { return 1<<n - 1 }

// clockwise is the peg disk 1 moves to from peg p under the strategy for n
// disks: 0->1->2->0 for an even n, 0->2->1->0 for an odd n. Either way the
// tower ends on peg 2.
func clockwise(n, p int) int {
	if n%2 == 0 {
		return (p + 1) % 3
	}
	return (p + 2) % 3
}

// OptimalMove is move number i (1-based) of the optimal solution for n
// disks, computed directly from i: disk ctz(i)+1 moves, and its pegs follow
// from the binary form of i. It needs no state, which makes it an
// independent check on every decided step.
func OptimalMove(n, i int) Move {
	from := (i & (i - 1)) % 3
	to := ((i | (i - 1)) + 1) % 3
	// The formula moves an odd tower to peg 2 and an even one to peg 1;
	// for an even n swap the roles of pegs 1 and 2.
	if n%2 == 0 {
		from, to = swap12(from), swap12(to)
	}
	return Move{Disk: bits.TrailingZeros(uint(i)) + 1, From: from, To: to}
}

func swap12(p int) int {
	switch p {
	case 1:
		return 2
	case 2:
		return 1
	}
	return p
}

// Solution yields the optimal moves for n disks in order. It is the
// "classic" solver: no model at all.
func Solution(n int) iter.Seq[Move] {
	return func(yield func(Move) bool) {
		for i := 1; i <= Steps(n); i++ {
			if !yield(OptimalMove(n, i)) {
				return
			}
		}
	}
}

// StrategyMove is the move the prompt's strategy prescribes from state s
// after the previous move prev (nil before the first move): disk 1 one peg
// clockwise if prev did not move it, otherwise the only legal move that
// leaves disk 1 alone. ok is false when no such move exists.
func StrategyMove(s State, prev *Move) (m Move, ok bool) {
	n := s.Disks()
	one := -1
	for p := range s {
		if s.top(p) == 1 {
			one = p
		}
	}
	if one < 0 {
		return Move{}, false
	}
	if prev == nil || prev.Disk != 1 {
		return Move{Disk: 1, From: one, To: clockwise(n, one)}, true
	}
	a, b := (one+1)%3, (one+2)%3
	ta, tb := s.top(a), s.top(b)
	switch {
	case ta == 0 && tb == 0:
		return Move{}, false
	case ta == 0 || (tb != 0 && tb < ta):
		return Move{Disk: tb, From: b, To: a}, true
	default:
		return Move{Disk: ta, From: a, To: b}, true
	}
}
