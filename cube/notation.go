package cube

import (
	"fmt"
	"strings"
)

var moveNames = [NumMoves]string{
	"U", "U2", "U'", "R", "R2", "R'", "F", "F2", "F'",
	"D", "D2", "D'", "L", "L2", "L'", "B", "B2", "B'",
}

// String returns the move in standard notation: "R", "R2" or "R'".
func (m Move) String() string {
	if m.Valid() {
		return moveNames[m]
	}
	return fmt.Sprintf("Move(%d)", uint8(m))
}

// String returns the moves in standard notation separated by single spaces,
// the same form [ParseMoves] reads, so sequences round-trip through text.
func (s Sequence) String() string {
	var b strings.Builder
	for i, m := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(m.String())
	}
	return b.String()
}

// ParseError reports a token that is not a move. It carries the token and its
// place so that a caller checking LLM output can say exactly what was wrong.
type ParseError struct {
	Token  string // the offending token
	Index  int    // 0-based index of the token among the tokens
	Offset int    // byte offset of the token in the input
}

// Error says which token is bad, where it is, and what a move looks like, so
// the message can be shown to a model as corrective feedback as it is.
func (e *ParseError) Error() string {
	return fmt.Sprintf("cube: bad move token %q (token %d, byte %d): want a face letter U R F D L B optionally followed by ' or 2",
		e.Token, e.Index, e.Offset)
}

// ParseMove parses one move in standard notation. Besides "R", "R2" and
// "R'" it accepts the typographic apostrophe "R’" and "R2'" (equal to "R2"),
// because both appear in human- and LLM-written move lists.
func ParseMove(tok string) (Move, error) {
	m, ok := parseMove(tok)
	if !ok {
		return 0, &ParseError{Token: tok}
	}
	return m, nil
}

func parseMove(tok string) (Move, bool) {
	if tok == "" {
		return 0, false
	}
	f := strings.IndexByte(faceLetters, tok[0])
	if f < 0 {
		return 0, false
	}
	base := Move(f * 3)
	switch tok[1:] {
	case "":
		return base, true
	case "2", "2'", "2’":
		return base + 1, true
	case "'", "’":
		return base + 2, true
	}
	return 0, false
}

// ParseMoves parses a whitespace-separated move sequence such as
// "R U R' U'". An empty or all-blank string is the empty sequence. The first
// bad token is reported as a *[ParseError]; nothing is returned with it, so a
// half-parsed sequence can never be mistaken for the intended one.
func ParseMoves(s string) (Sequence, error) {
	seq := Sequence{}
	idx := 0
	off := 0
	for off < len(s) {
		// Skip blanks.
		for off < len(s) && isSpace(s[off]) {
			off++
		}
		if off == len(s) {
			break
		}
		start := off
		for off < len(s) && !isSpace(s[off]) {
			off++
		}
		tok := s[start:off]
		m, ok := parseMove(tok)
		if !ok {
			return nil, &ParseError{Token: tok, Index: idx, Offset: start}
		}
		seq = append(seq, m)
		idx++
	}
	return seq, nil
}

func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
}
