package hanoi

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/maker-go/maker"
)

// The answer lines, matched as the paper's red-flagging parser matches them:
// case-insensitive, across lines, and the last occurrence wins (a model may
// restate the format before answering).
var (
	moveRe  = regexp.MustCompile(`(?is)\bmove\b\s*=\s*(\[[^\[\]]*\])`)
	stateRe = regexp.MustCompile(`(?is)\bnext_state\b\s*=\s*(\[\s*\[[^\[\]]*\]\s*,\s*\[[^\[\]]*\]\s*,\s*\[[^\[\]]*\]\s*\])`)
	pegRe   = regexp.MustCompile(`\[([^\[\]]*)\]`)
)

// ParseAnswer strictly reads "move = [d, f, t]" and "next_state = [[..],
// [..], [..]]" from a response for n disks. The move must be exactly three
// integers and the state must hold every disk 1..n exactly once. Nothing is
// repaired and no rule of the game is checked here: legality is the
// checker's business, after the vote. Every failure wraps
// [maker.ErrMalformed]: the answer is red-flagged.
func ParseAnswer(text string, n int) (Move, State, error) {
	mm := moveRe.FindAllStringSubmatch(text, -1)
	if len(mm) == 0 {
		return Move{}, State{}, fmt.Errorf("hanoi: %w: no move line", maker.ErrMalformed)
	}
	m, err := parseMove(mm[len(mm)-1][1])
	if err != nil {
		return Move{}, State{}, err
	}
	sm := stateRe.FindAllStringSubmatch(text, -1)
	if len(sm) == 0 {
		return Move{}, State{}, fmt.Errorf("hanoi: %w: no next_state line", maker.ErrMalformed)
	}
	s, err := parseState(sm[len(sm)-1][1], n)
	if err != nil {
		return Move{}, State{}, err
	}
	return m, s, nil
}

// parseMove reads "[d, f, t]": exactly three integers.
func parseMove(list string) (Move, error) {
	ints, err := parseInts(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(list), "["), "]"))
	if err != nil {
		return Move{}, fmt.Errorf("hanoi: %w: move %s: %v", maker.ErrMalformed, list, err)
	}
	if len(ints) != 3 {
		return Move{}, fmt.Errorf("hanoi: %w: move %s has %d numbers, want 3", maker.ErrMalformed, list, len(ints))
	}
	return Move{Disk: ints[0], From: ints[1], To: ints[2]}, nil
}

// parseState reads three peg lists and checks that they hold 1..n once each.
func parseState(text string, n int) (State, error) {
	pegs := pegRe.FindAllStringSubmatch(text, -1)
	if len(pegs) != 3 {
		return State{}, fmt.Errorf("hanoi: %w: next_state has %d pegs, want 3", maker.ErrMalformed, len(pegs))
	}
	var s State
	seen := make([]bool, n+1)
	count := 0
	for i, p := range pegs {
		ints, err := parseInts(p[1])
		if err != nil {
			return State{}, fmt.Errorf("hanoi: %w: next_state peg %d: %v", maker.ErrMalformed, i, err)
		}
		for _, d := range ints {
			if d < 1 || d > n {
				return State{}, fmt.Errorf("hanoi: %w: next_state has disk %d, want 1..%d", maker.ErrMalformed, d, n)
			}
			if seen[d] {
				return State{}, fmt.Errorf("hanoi: %w: next_state has disk %d twice", maker.ErrMalformed, d)
			}
			seen[d] = true
			count++
		}
		s[i] = ints
	}
	if count != n {
		return State{}, fmt.Errorf("hanoi: %w: next_state has %d disks, want %d", maker.ErrMalformed, count, n)
	}
	return s, nil
}

// parseInts reads a comma-separated list of integers, which may be empty.
// A trailing comma is allowed, as in the literals the paper's parser reads.
func parseInts(body string) ([]int, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return []int{}, nil
	}
	parts := strings.Split(body, ",")
	if strings.TrimSpace(parts[len(parts)-1]) == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	out := make([]int, 0, len(parts))
	for _, p := range parts {
		p = strings.TrimSpace(p)
		v, err := strconv.Atoi(p)
		if err != nil || p == "" || strings.HasPrefix(p, "+") {
			return nil, fmt.Errorf("%q is not an integer", p)
		}
		out = append(out, v)
	}
	return out, nil
}
