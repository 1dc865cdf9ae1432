package hanoi

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

// parseByRegexp is ParseAnswer's definition: the last match of each
// regular expression.
func parseByRegexp(text string, n int) (Move, State, error) {
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

func sameParse(t *testing.T, text string, n int) {
	t.Helper()
	m1, s1, err1 := ParseAnswer(text, n)
	m2, s2, err2 := parseByRegexp(text, n)
	if fmt.Sprint(err1) != fmt.Sprint(err2) || m1 != m2 || !s1.Equal(s2) {
		t.Fatalf("%q (n=%d):\nscanner %v %v %v\nregexp  %v %v %v", text, n, m1, s1, err1, m2, s2, err2)
	}
}

// TestScannerMatchesRegexp: the hand scanner finds exactly what the regular
// expressions find, on random texts made of the pieces that matter.
func TestScannerMatchesRegexp(t *testing.T) {
	pieces := []string{"move", "MoVe", "xmove", "move_", "next_state", "NEXT_STATE", "next_statex", "=", "=", "[", "[", "]", "]", ",", ",",
		" ", "\n", "\t", "\v", "1", "2", "3", "0", "-1", "+1", "x", "_", "[[3, 2], [1], []]", "[1, 0, 1]", "(", "é", "\u212a", "ſ"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		var b strings.Builder
		for j := rng.IntN(24); j >= 0; j-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		sameParse(t, b.String(), 1+rng.IntN(3))
	}
	// Well-formed answers, with noise around them.
	for i := 0; i < 20000; i++ {
		text := fmt.Sprintf("%smove = [%d, %d, %d]%snext_state = [[%s], [%s], [%s]]%s", pieces[rng.IntN(len(pieces))],
			rng.IntN(4), rng.IntN(3), rng.IntN(3), pieces[rng.IntN(len(pieces))], "3, 2", "1", "", pieces[rng.IntN(len(pieces))])
		sameParse(t, text, 3)
	}
}

func FuzzScannerMatchesRegexp(f *testing.F) {
	f.Add("move = [1, 0, 1]\nnext_state = [[3, 2], [1], []]", 3)
	f.Add("MOVE=[1,0,1] NEXT_STATE =[ [2] , [1] , [ ] ]", 2)
	f.Fuzz(func(t *testing.T, text string, n int) {
		if n < 1 || n > 12 {
			return
		}
		sameParse(t, text, n)
	})
}

// TestDefaultPromptMatchesTemplate: the direct rendering of the default
// prompt is the template's rendering.
func TestDefaultPromptMatchesTemplate(t *testing.T) {
	for _, n := range []int{1, 2, 3, 10} {
		for _, prev := range []string{noPrev, "[1, 0, 2]"} {
			st := Start(n).String()
			var b strings.Builder
			if err := defaultUser.Execute(&b, promptData{Prev: prev, State: st, Disks: n, Order: orderText(n), Step: 7}); err != nil {
				t.Fatal(err)
			}
			if got := defaultPrompt(prev, st, n); got != b.String() {
				t.Fatalf("n=%d prev %s:\n%s\nwant\n%s", n, prev, got, b.String())
			}
		}
	}
}
