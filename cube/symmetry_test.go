package cube

import (
	"testing"

	"pgregory.net/rapid"
)

func TestOrientsAreRotations(t *testing.T) {
	// Three diagonal turns are no turn at all.
	rapid.Check(t, func(t *rapid.T) {
		c := genCube.Draw(t, "c")
		o := &orients[1]
		if got := o.apply(o.apply(o.apply(c))); got != c {
			t.Fatal("three diagonal rotations changed the cube")
		}
		if orients[0].apply(c) != c {
			t.Fatal("identity orientation changed the cube")
		}
		if orients[2].apply(c) != o.apply(o.apply(c)) {
			t.Fatal("orients[2] is not orients[1] twice")
		}
	})
	if f := orients[1].face; f[FaceU] != FaceR || f[FaceR] != FaceF || f[FaceF] != FaceU {
		t.Fatalf("diagonal maps faces as %v", f)
	}
}

// TestOrientUnmap checks the property the solver relies on: a move made on
// the rotated cube equals the unmapped move made on the original.
func TestOrientUnmap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genCube.Draw(t, "c")
		m := genMove.Draw(t, "m")
		for i := range orients {
			o := &orients[i]
			if o.apply(c.Apply(o.unmap(m))) != o.apply(c).Apply(m) {
				t.Fatalf("orientation %d: move %v does not correspond to %v", i, m, o.unmap(m))
			}
		}
	})
}
