// Package hanoi is the Towers of Hanoi benchmark of the MAKER paper as a
// [maker.Task]: one model call decides one move, and the model returns the
// move and the state it leads to.
//
// Pegs are 0, 1 and 2; disks are 1 (smallest) to n; a state lists each peg
// bottom to top, and the goal is every disk on peg 2. The strategy given to
// the model moves disk 1 one peg "clockwise" whenever the previous move did
// not move it, and otherwise makes the only legal move that leaves disk 1
// alone. The clockwise order that ends on peg 2 is 0->1->2->0 for an even n
// and 0->2->1->0 for an odd n, so every n is solved in the optimal 2^n-1
// moves.
package hanoi

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxDisks is the largest tower accepted: 2^30-1 steps is already beyond
// any budget.
const MaxDisks = 30

// State is the three pegs, each listed bottom to top.
type State [3][]int

// Start is the initial state with n disks on peg 0.
func Start(n int) State {
	var s State
	s[0] = make([]int, n)
	for i := range n {
		s[0][i] = n - i
	}
	s[1], s[2] = []int{}, []int{}
	return s
}

// Disks is the number of disks in the state.
func (s State) Disks() int { return len(s[0]) + len(s[1]) + len(s[2]) }

// Pegs lists the pegs, each bottom to top, so that a report can draw the
// state without knowing the task.
func (s State) Pegs() [][]int { return [][]int{s[0], s[1], s[2]} }

// Clone returns a deep copy.
func (s State) Clone() State {
	// One array for the three pegs, each with room for one more disk.
	all := make([]int, 0, len(s[0])+len(s[1])+len(s[2])+3)
	var c State
	for i := range s {
		start := len(all)
		all = append(all, s[i]...)
		c[i] = all[start : len(all) : len(all)+1]
		all = all[:len(all)+1]
	}
	return c
}

// Equal reports whether two states hold the same disks in the same places.
func (s State) Equal(o State) bool {
	for i := range s {
		if len(s[i]) != len(o[i]) {
			return false
		}
		for j := range s[i] {
			if s[i][j] != o[i][j] {
				return false
			}
		}
	}
	return true
}

// top returns the top disk of peg p, or 0 when it is empty.
func (s State) top(p int) int {
	if len(s[p]) == 0 {
		return 0
	}
	return s[p][len(s[p])-1]
}

// String renders the state as the prompts and answers write it:
// [[4, 3], [2, 1], []].
func (s State) String() string {
	var buf [stateRoom]byte
	return string(s.appendText(buf[:0], ", "))
}

// Compact renders the state without spaces, for vote keys.
func (s State) Compact() string {
	var buf [stateRoom]byte
	return string(s.appendText(buf[:0], ","))
}

// stateRoom is a buffer on the stack that holds the text of a state of up
// to 25 disks or so; a longer one grows on the heap.
const stateRoom = 160

// write writes the state's text to b, from a buffer on the stack: one
// copy into b rather than a write a number.
func (s State) write(b *strings.Builder, sep string) {
	var buf [stateRoom]byte
	b.Write(s.appendText(buf[:0], sep))
}

// appendText appends the state's text, its numbers separated by sep.
func (s State) appendText(b []byte, sep string) []byte {
	b = append(b, '[')
	for i, peg := range s {
		if i > 0 {
			b = append(b, sep...)
		}
		b = append(b, '[')
		for j, d := range peg {
			if j > 0 {
				b = append(b, sep...)
			}
			b = appendInt(b, d)
		}
		b = append(b, ']')
	}
	return append(b, ']')
}

// appendInt appends d in decimal, the disks' one or two digits by hand.
func appendInt(b []byte, d int) []byte {
	switch {
	case 0 <= d && d < 10:
		return append(b, byte('0'+d))
	case 10 <= d && d < 100:
		return append(b, byte('0'+d/10), byte('0'+d%10))
	}
	return strconv.AppendInt(b, int64(d), 10)
}

// Move takes the top disk of peg From to peg To.
type Move struct {
	Disk, From, To int
}

// String renders the move as [disk, from, to].
func (m Move) String() string {
	var buf [32]byte
	b := buf[:0]
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(m.Disk), 10)
	b = append(b, ", "...)
	b = strconv.AppendInt(b, int64(m.From), 10)
	b = append(b, ", "...)
	b = strconv.AppendInt(b, int64(m.To), 10)
	return string(append(b, ']'))
}

// ErrIllegal is wrapped by every rule violation [State.Apply] reports.
var ErrIllegal = errors.New("illegal move")

// Apply returns the state after m, or an error naming the rule it breaks.
// The receiver is not changed.
func (s State) Apply(m Move) (State, error) {
	switch {
	case m.From < 0 || m.From > 2 || m.To < 0 || m.To > 2:
		return s, &illegalError{m: m, rule: badPeg}
	case m.From == m.To:
		return s, &illegalError{m: m, rule: samePeg}
	case len(s[m.From]) == 0:
		return s, &illegalError{m: m, rule: emptyPeg}
	case s.top(m.From) != m.Disk:
		return s, &illegalError{m: m, rule: notOnTop, top: s.top(m.From)}
	case s.top(m.To) != 0 && s.top(m.To) < m.Disk:
		return s, &illegalError{m: m, rule: onSmaller, top: s.top(m.To)}
	}
	n := s.Clone()
	n[m.From] = n[m.From][:len(n[m.From])-1]
	n[m.To] = append(n[m.To], m.Disk)
	return n, nil
}

// illegalError is the rule a move breaks. Its text is written when it is
// read: the simulator's oracle tries moves that break a rule on every step
// and reads none of them.
type illegalError struct {
	m    Move
	rule int
	top  int // the disk on top of the peg the rule is about
}

// The rules of Apply.
const (
	badPeg = iota
	samePeg
	emptyPeg
	notOnTop
	onSmaller
)

func (e *illegalError) Error() string {
	m := e.m
	switch e.rule {
	case badPeg:
		return fmt.Sprintf("%v %s: pegs are 0, 1 and 2", ErrIllegal, m)
	case samePeg:
		return fmt.Sprintf("%v %s: from and to are the same peg", ErrIllegal, m)
	case emptyPeg:
		return fmt.Sprintf("%v %s: peg %d is empty", ErrIllegal, m, m.From)
	case notOnTop:
		return fmt.Sprintf("%v %s: disk %d is not on top of peg %d (top is %d)", ErrIllegal, m, m.Disk, m.From, e.top)
	}
	return fmt.Sprintf("%v %s: disk %d cannot go on smaller disk %d", ErrIllegal, m, m.Disk, e.top)
}

// Unwrap makes every rule violation an [ErrIllegal].
func (e *illegalError) Unwrap() error { return ErrIllegal }

// Solved reports whether all n disks are on peg 2.
func (s State) Solved() bool { return len(s[0]) == 0 && len(s[1]) == 0 }

// writeInt writes d in decimal without allocating.
func writeInt(b *strings.Builder, d int) {
	var buf [20]byte
	b.Write(appendInt(buf[:0], d))
}
