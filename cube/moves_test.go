package cube

import (
	"testing"

	"pgregory.net/rapid"
)

func TestEveryMoveHasOrderDividing4(t *testing.T) {
	for m := range Move(NumMoves) {
		t.Run(m.String(), func(t *testing.T) {
			c := Solved()
			for range 4 {
				c = c.Apply(m)
			}
			if !c.IsSolved() {
				t.Fatalf("%v applied 4 times is not the identity", m)
			}
			if Solved().Apply(m).IsSolved() {
				t.Fatalf("%v is the identity", m)
			}
		})
	}
}

func TestMoveThenInverseIsIdentity(t *testing.T) {
	for m := range Move(NumMoves) {
		t.Run(m.String(), func(t *testing.T) {
			if !Solved().Apply(m).Apply(m.Inverse()).IsSolved() {
				t.Fatalf("%v %v is not the identity", m, m.Inverse())
			}
			if m.Inverse().Inverse() != m || m.Inverse().Face() != m.Face() {
				t.Fatalf("Inverse of %v is %v", m, m.Inverse())
			}
			// Turns compose: m is Turns() quarter turns.
			q := Move(m.Face() * 3)
			c := Solved()
			for range m.Turns() {
				c = c.Apply(q)
			}
			if c != Solved().Apply(m) {
				t.Fatalf("%v is not %d quarter turns", m, m.Turns())
			}
		})
	}
}

// order returns the smallest n > 0 with seq^n = identity.
func order(seq Sequence) int {
	p := seq.Cube()
	c := p
	for n := 1; ; n++ {
		if c.IsSolved() {
			return n
		}
		c = c.Then(p)
	}
}

func TestKnownOrders(t *testing.T) {
	tests := []struct {
		moves string
		order int
	}{
		{"R", 4},
		{"R2", 2},
		{"R'", 4},
		{"R L", 4},
		{"R U", 105},
		{"R U'", 63},
		{"R U R' U'", 6}, // sexy move
		{"R' F R F'", 6}, // sledgehammer
		{"R2 U2", 6},
		{"R U R' U R U2 R'", 6}, // Sune
		{"R U R' U' R' F R2 U' R' U' R U R' F'", 2}, // T permutation
		{"R U2 D' B D'", 1260},                      // the largest order of any cube element
	}
	for _, tc := range tests {
		t.Run(tc.moves, func(t *testing.T) {
			seq, err := ParseMoves(tc.moves)
			if err != nil {
				t.Fatal(err)
			}
			if got := order(seq); got != tc.order {
				t.Fatalf("order(%s) = %d, want %d", tc.moves, got, tc.order)
			}
		})
	}
}

func TestSequenceInverseUndoes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genCube.Draw(t, "start")
		s := genSequence.Draw(t, "s")
		if c.ApplySequence(s).ApplySequence(s.Inverse()) != c {
			t.Fatal("s then s.Inverse() changed the cube")
		}
		if c.ApplySequence(s.Inverse()).ApplySequence(s) != c {
			t.Fatal("s.Inverse() then s changed the cube")
		}
		if s.Inverse().Cube() != s.Cube().Inverse() {
			t.Fatal("Sequence.Inverse disagrees with Cube.Inverse")
		}
	})
}
