package cube

import (
	"errors"
	"testing"

	"pgregory.net/rapid"
)

func TestZeroValueIsSolved(t *testing.T) {
	var c Cube
	if !c.IsSolved() || c != Solved() {
		t.Fatal("zero Cube is not solved")
	}
	if err := c.Verify(); err != nil {
		t.Fatal(err)
	}
	if c.Apply(R).IsSolved() {
		t.Fatal("R reported as solved")
	}
}

func TestInverseProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genCube.Draw(t, "c")
		if !c.Then(c.Inverse()).IsSolved() || !c.Inverse().Then(c).IsSolved() {
			t.Fatal("c·c⁻¹ is not solved")
		}
		if err := c.Verify(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestThenIsSequenceConcatenation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := genSequence.Draw(t, "a")
		b := genSequence.Draw(t, "b")
		ab := append(append(Sequence{}, a...), b...)
		if a.Cube().Then(b.Cube()) != ab.Cube() {
			t.Fatal("a.Cube().Then(b.Cube()) != (a b).Cube()")
		}
	})
}

func TestVerifyRejects(t *testing.T) {
	twisted := Solved()
	twisted.co[cURF] = 1
	flipped := Solved()
	flipped.eo[eUF] = 1
	swapped := Solved()
	swapped.setEdge(eUF, eUR)
	swapped.setEdge(eUR, eUF)
	dup := Solved()
	dup.setCorner(cURF, cUFL)
	tests := []struct {
		name       string
		c          Cube
		unsolvable bool
	}{
		{"twisted corner", twisted, true},
		{"flipped edge", flipped, true},
		{"swapped edges", swapped, true},
		{"duplicate corner", dup, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.c.Verify()
			if err == nil {
				t.Fatal("Verify accepted an illegal cube")
			}
			if got := errors.Is(err, ErrUnsolvable); got != tc.unsolvable {
				t.Fatalf("errors.Is(err, ErrUnsolvable) = %v, want %v (err: %v)", got, tc.unsolvable, err)
			}
		})
	}
}
