package cube

import (
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

const solvedString = "UUUUUUUUURRRRRRRRRFFFFFFFFFDDDDDDDDDLLLLLLLLLBBBBBBBBB"

func TestCanonicalStrings(t *testing.T) {
	tests := []struct {
		moves string
		want  string
	}{
		{"", solvedString},
		// After U the F face's top row shows R's colour, and so on.
		{"U", "UUUUUUUUUBBBRRRRRRRRRFFFFFFDDDDDDDDDFFFLLLLLLLLLBBBBBB"},
		// After R the U face's right column shows F's colour.
		{"R", "UUFUUFUUFRRRRRRRRRFFDFFDFFDDDBDDBDDBLLLLLLLLLUBBUBBUBB"},
		{"R U R' U'", "UULUUFUUFRRUBRRURRFFDFFUFFFDDRDDDDDDBLLLLLLLLBRRBBBBBB"},
	}
	for _, tc := range tests {
		c, err := FromMoves(tc.moves)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.String(); got != tc.want {
			t.Errorf("state after %q = %s, want %s", tc.moves, got, tc.want)
		}
	}
}

func TestFaceletStringRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genCube.Draw(t, "c")
		s := c.String()
		if len(s) != NumFacelets {
			t.Fatalf("len(%q) = %d", s, len(s))
		}
		f, err := ParseFacelets(s)
		if err != nil {
			t.Fatal(err)
		}
		if f != c.Facelets() || f.String() != s {
			t.Fatal("ParseFacelets(c.String()) differs from c.Facelets()")
		}
		back, err := ParseState(s)
		if err != nil {
			t.Fatal(err)
		}
		if back != c {
			t.Fatalf("ParseState(%s) = %s", s, back)
		}
	})
}

func TestParseFaceletsErrors(t *testing.T) {
	swapCentres := []byte(solvedString)
	swapCentres[4], swapCentres[13] = swapCentres[13], swapCentres[4]
	tests := []struct {
		name, in, wantErr string
	}{
		{"short", solvedString[:53], "53 bytes"},
		{"long", solvedString + "U", "55 bytes"},
		{"bad letter", "X" + solvedString[1:], `'X' at index 0`},
		{"lower case", "u" + solvedString[1:], `'u' at index 0`},
		{"counts", "R" + solvedString[1:], "8 U stickers"},
		{"centres", string(swapCentres), "centre of face U is R"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFacelets(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ParseFacelets error = %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}

func TestFaceletsCubeRejects(t *testing.T) {
	solved := Solved().Facelets()
	twisted := solved
	// Rotate the URF corner's stickers in place.
	a, b, c := cornerFacelet[cURF][0], cornerFacelet[cURF][1], cornerFacelet[cURF][2]
	twisted[a], twisted[b], twisted[c] = solved[c], solved[a], solved[b]
	flipped := solved
	e0, e1 := edgeFacelet[eUF][0], edgeFacelet[eUF][1]
	flipped[e0], flipped[e1] = solved[e1], solved[e0]
	// Exchange the side stickers of UF and UR: the two edges trade places.
	swapped := solved
	swapped[edgeFacelet[eUF][1]], swapped[edgeFacelet[eUR][1]] = solved[edgeFacelet[eUR][1]], solved[edgeFacelet[eUF][1]]
	impossible := solved
	impossible[edgeFacelet[eUF][1]] = FaceD // a U-D edge does not exist
	impossible[edgeFacelet[eDF][0]] = FaceF
	tests := []struct {
		name       string
		f          Facelets
		unsolvable bool
		wantErr    string
	}{
		{"twisted corner", twisted, true, "corner is twisted"},
		{"flipped edge", flipped, true, "edge is flipped"},
		{"swapped edges", swapped, true, "two pieces are swapped"},
		{"impossible edge", impossible, false, "edge at UF has impossible colours"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Each case must still pass the cheap string checks.
			if _, err := ParseFacelets(tc.f.String()); err != nil {
				t.Fatalf("test case is malformed: %v", err)
			}
			_, err := tc.f.Cube()
			if err == nil {
				t.Fatal("Facelets.Cube accepted an illegal cube")
			}
			if errors.Is(err, ErrUnsolvable) != tc.unsolvable || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want %q (unsolvable: %v)", err, tc.wantErr, tc.unsolvable)
			}
			if _, err := ParseState(tc.f.String()); err == nil {
				t.Fatal("ParseState accepted an illegal cube")
			}
		})
	}
}
