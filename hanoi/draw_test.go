package hanoi

import (
	"reflect"
	"testing"
)

// TestDraw: a seed draws the same steps every time, another seed others,
// and every step drawn is the solution's step at its index.
func TestDraw(t *testing.T) {
	a, b, c := Draw(9, 50, 1), Draw(9, 50, 1), Draw(9, 50, 2)
	if len(a) != 50 || !reflect.DeepEqual(a, b) {
		t.Fatalf("seed 1 drew %d steps, differently twice", len(a))
	}
	if reflect.DeepEqual(a, c) {
		t.Error("seeds 1 and 2 drew the same steps")
	}
	for _, r := range a {
		if r.Step < 0 || r.Step >= Steps(9) {
			t.Fatalf("step %d outside the solution", r.Step)
		}
		if want := Reference(9, []int{r.Step})[0]; !reflect.DeepEqual(r, want) {
			t.Errorf("step %d = %+v, want the solution's %+v", r.Step, r, want)
		}
	}
}
