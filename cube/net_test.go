package cube

import "testing"

func TestNet(t *testing.T) {
	tests := []struct {
		moves, want string
	}{
		{"", `        U U U
        U U U
        U U U
L L L   F F F   R R R   B B B
L L L   F F F   R R R   B B B
L L L   F F F   R R R   B B B
        D D D
        D D D
        D D D
`},
		{"R", `        U U F
        U U F
        U U F
L L L   F F D   R R R   U B B
L L L   F F D   R R R   U B B
L L L   F F D   R R R   U B B
        D D B
        D D B
        D D B
`},
		{"U", `        U U U
        U U U
        U U U
F F F   R R R   B B B   L L L
L L L   F F F   R R R   B B B
L L L   F F F   R R R   B B B
        D D D
        D D D
        D D D
`},
	}
	for _, tc := range tests {
		c, err := FromMoves(tc.moves)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Net(); got != tc.want {
			t.Errorf("Net after %q:\n%s\nwant:\n%s", tc.moves, got, tc.want)
		}
	}
}
