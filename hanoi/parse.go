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
	ascii := asciiOnly(text)
	var moveList string
	if ascii {
		var ok bool
		if moveList, ok = lastMoveList(text); !ok {
			return Move{}, State{}, fmt.Errorf("hanoi: %w: no move line", maker.ErrMalformed)
		}
	} else {
		mm := moveRe.FindAllStringSubmatch(text, -1)
		if len(mm) == 0 {
			return Move{}, State{}, fmt.Errorf("hanoi: %w: no move line", maker.ErrMalformed)
		}
		moveList = mm[len(mm)-1][1]
	}
	m, err := parseMove(moveList)
	if err != nil {
		return Move{}, State{}, err
	}
	var s State
	if ascii {
		pegs, ok := lastStatePegs(text)
		if !ok {
			return Move{}, State{}, fmt.Errorf("hanoi: %w: no next_state line", maker.ErrMalformed)
		}
		s, err = statePegs(pegs[0][1:len(pegs[0])-1], pegs[1][1:len(pegs[1])-1], pegs[2][1:len(pegs[2])-1], n)
	} else {
		sm := stateRe.FindAllStringSubmatch(text, -1)
		if len(sm) == 0 {
			return Move{}, State{}, fmt.Errorf("hanoi: %w: no next_state line", maker.ErrMalformed)
		}
		s, err = parseState(sm[len(sm)-1][1], n)
	}
	if err != nil {
		return Move{}, State{}, err
	}
	return m, s, nil
}

// parseMove reads "[d, f, t]": exactly three integers.
func parseMove(list string) (Move, error) {
	var buf [3]int
	ints, err := appendInts(buf[:0], strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(list), "["), "]"))
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
	return statePegs(pegs[0][1], pegs[1][1], pegs[2][1], n)
}

// statePegs reads the three pegs' lists (without brackets) and checks that
// they hold 1..n once each.
func statePegs(a, b, c string, n int) (State, error) {
	var s State
	var seenBuf [MaxDisks + 1]bool
	seen := seenBuf[:]
	if n+1 > len(seenBuf) {
		seen = make([]bool, n+1)
	}
	count := 0
	// The three pegs share one array, each capped at its own length.
	all := make([]int, 0, n)
	for i, p := range [3]string{a, b, c} {
		start := len(all)
		var err error
		if all, err = appendInts(all, p); err != nil {
			return State{}, fmt.Errorf("hanoi: %w: next_state peg %d: %v", maker.ErrMalformed, i, err)
		}
		ints := all[start:len(all):len(all)]
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

// appendInts reads a comma-separated list of integers, which may be empty,
// and appends them to out. A trailing comma is allowed, as in the literals
// the paper's parser reads.
func appendInts(out []int, body string) ([]int, error) {
	if ints, ok := appendDecimals(out, body); ok {
		return ints, nil
	}
	return readInts(out, body)
}

// appendDecimals reads in one pass the list every answer in the format
// has, ASCII decimals such as "3, 2, 1" (a trailing comma allowed), and
// appends them to out. It gives up (ok false, out as it was) on anything
// else, which readInts then reads or rejects.
func appendDecimals(out []int, body string) ([]int, bool) {
	first, i := len(out), skipSpace(body, 0)
	if i == len(body) {
		return out, true
	}
	for {
		neg := i < len(body) && body[i] == '-'
		if neg {
			i++
		}
		start, v := i, 0
		for ; i < len(body) && '0' <= body[i] && body[i] <= '9'; i++ {
			if i-start == 18 {
				return out[:first], false // might overflow: strconv decides
			}
			v = v*10 + int(body[i]-'0')
		}
		if i == start {
			return out[:first], false
		}
		if neg {
			v = -v
		}
		out = append(out, v)
		if i = skipSpace(body, i); i == len(body) {
			return out, true
		}
		if body[i] != ',' {
			return out[:first], false
		}
		if i = skipSpace(body, i+1); i == len(body) {
			return out, true // the trailing comma
		}
	}
}

// readInts is appendInts for any text: each comma-separated piece, its
// spaces trimmed, is an integer by strconv.Atoi.
func readInts(out []int, body string) ([]int, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return out, nil
	}
	first := len(out)
	for rest, more := body, true; more; {
		var p string
		p, rest, more = strings.Cut(rest, ",")
		p = strings.TrimSpace(p)
		if p == "" && !more && len(out) > first {
			break // the trailing comma
		}
		v, err := strconv.Atoi(p)
		if err != nil || p == "" || p[0] == '+' {
			return nil, fmt.Errorf("%q is not an integer", p)
		}
		out = append(out, v)
	}
	return out, nil
}
