package cube

import (
	"errors"
	"testing"

	"pgregory.net/rapid"
)

func TestParseMoves(t *testing.T) {
	tests := []struct {
		in   string
		want Sequence
	}{
		{"", Sequence{}},
		{"   ", Sequence{}},
		{"R", Sequence{R}},
		{"R U R' U'", Sequence{R, U, RPrime, UPrime}},
		{"  F2\tB'\nD  ", Sequence{F2, BPrime, D}},
		{"L2' D’ U2’", Sequence{L2, DPrime, U2}},
	}
	for _, tc := range tests {
		got, err := ParseMoves(tc.in)
		if err != nil {
			t.Errorf("ParseMoves(%q): %v", tc.in, err)
			continue
		}
		if got.String() != tc.want.String() || len(got) != len(tc.want) {
			t.Errorf("ParseMoves(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseMovesErrors(t *testing.T) {
	tests := []struct {
		in     string
		token  string
		index  int
		offset int
	}{
		{"X", "X", 0, 0},
		{"R U X", "X", 2, 4},
		{"R3", "R3", 0, 0},
		{"r", "r", 0, 0},
		{"RU", "RU", 0, 0},
		{"R  U'' F", "U''", 1, 3},
		{"M", "M", 0, 0},
		{"(R U)", "(R", 0, 0},
	}
	for _, tc := range tests {
		seq, err := ParseMoves(tc.in)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("ParseMoves(%q) = %v, %v; want a *ParseError", tc.in, seq, err)
			continue
		}
		if seq != nil {
			t.Errorf("ParseMoves(%q) returned moves with an error", tc.in)
		}
		if pe.Token != tc.token || pe.Index != tc.index || pe.Offset != tc.offset {
			t.Errorf("ParseMoves(%q) error = %+v, want token %q index %d offset %d",
				tc.in, *pe, tc.token, tc.index, tc.offset)
		}
	}
	if _, err := ParseMove("Q"); err == nil {
		t.Error("ParseMove(\"Q\") succeeded")
	}
}

func TestMoveStringRoundTrip(t *testing.T) {
	for m := range Move(NumMoves) {
		got, err := ParseMove(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMove(%q) = %v, %v; want %v", m.String(), got, err, m)
		}
	}
	if s := Move(18).String(); s != "Move(18)" {
		t.Errorf("invalid move formats as %q", s)
	}
}

func TestSequenceFormatParseRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genSequence.Draw(t, "s")
		got, err := ParseMoves(s.String())
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(s) {
			t.Fatalf("round trip changed length: %v -> %v", s, got)
		}
		for i := range s {
			if got[i] != s[i] {
				t.Fatalf("round trip changed %v to %v", s, got)
			}
		}
	})
}
