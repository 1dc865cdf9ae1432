package cube

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseMoves feeds ParseMoves, which reads --scramble and the turns of
// every cube answer, arbitrary text. It must never panic; a rejection is a
// *ParseError whose token is the input's bytes at its offset; an accepted
// sequence holds valid moves only, one per token, formats back to text that
// parses to the same moves, and turns a cube into a legal state.
func FuzzParseMoves(f *testing.F) {
	for _, s := range []string{
		"", "   ", "R", "R U R' U'", "  F2\tB'\nD  ", "L2' D’ U2’",
		"X", "R U X", "R3", "r", "RU", "R  U'' F", "M", "(R U)", "R\v\fU",
		"R2’’", "U\u00a0R", "’", "R\xe2\x80", ScrambleMoves(7, ScrambleLength).String(),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		seq, err := ParseMoves(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseMoves(%q): %v is not a *ParseError", s, err)
			}
			if seq != nil {
				t.Fatalf("ParseMoves(%q) returned moves with its error", s)
			}
			if pe.Token == "" || pe.Offset < 0 || pe.Offset+len(pe.Token) > len(s) || s[pe.Offset:pe.Offset+len(pe.Token)] != pe.Token {
				t.Fatalf("ParseMoves(%q): token %q at byte %d is not in the input", s, pe.Token, pe.Offset)
			}
			if pe.Index < 0 || pe.Index > len(strings.Fields(s)) {
				t.Fatalf("ParseMoves(%q): token index %d", s, pe.Index)
			}
			return
		}
		if n := len(strings.FieldsFunc(s, func(r rune) bool { return r < 0x80 && isSpace(byte(r)) })); len(seq) != n {
			t.Fatalf("ParseMoves(%q) gave %d moves for %d tokens", s, len(seq), n)
		}
		for _, m := range seq {
			if !m.Valid() {
				t.Fatalf("ParseMoves(%q) gave the invalid move %d", s, m)
			}
		}
		back, err := ParseMoves(seq.String())
		if err != nil || back.String() != seq.String() || len(back) != len(seq) {
			t.Fatalf("ParseMoves(%q) = %v, which reads back as %v (%v)", s, seq, back, err)
		}
		if err := seq.Cube().Verify(); err != nil {
			t.Fatalf("ParseMoves(%q) leads to an illegal cube: %v", s, err)
		}
	})
}

// FuzzParseState feeds the facelet parsers, which read a cube state from
// a model's answer, arbitrary text. Neither may panic; ParseFacelets
// accepts only strings it formats back unchanged, and ParseState only
// legal cubes whose state string is the input.
func FuzzParseState(f *testing.F) {
	solved := Solved().Facelets()
	twisted := solved
	a, b, c := cornerFacelet[cURF][0], cornerFacelet[cURF][1], cornerFacelet[cURF][2]
	twisted[a], twisted[b], twisted[c] = solved[c], solved[a], solved[b]
	swapCentres := []byte(solvedString)
	swapCentres[4], swapCentres[13] = swapCentres[13], swapCentres[4]
	for _, s := range []string{
		solvedString,
		"UUUUUUUUUBBBRRRRRRRRRFFFFFFDDDDDDDDDFFFLLLLLLLLLBBBBBB",
		"UULUUFUUFRRUBRRURRFFDFFUFFFDDRDDDDDDBLLLLLLLLBRRBBBBBB",
		ScrambleMoves(3, ScrambleLength).Cube().String(),
		twisted.String(),
		string(swapCentres),
		solvedString[:53],
		solvedString + "U",
		"u" + solvedString[1:],
		"R" + solvedString[1:],
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fl, err := ParseFacelets(s)
		if err == nil && fl.String() != s {
			t.Fatalf("ParseFacelets(%q) formats back as %q", s, fl.String())
		}
		c, err2 := ParseState(s)
		if err2 != nil {
			return
		}
		if err != nil {
			t.Fatalf("ParseState(%q) accepted what ParseFacelets rejects: %v", s, err)
		}
		if c.String() != s || c.Verify() != nil {
			t.Fatalf("ParseState(%q) = %s (verify: %v)", s, c, c.Verify())
		}
	})
}
