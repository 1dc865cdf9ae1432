package hanoi

import (
	"errors"
	"strings"
	"testing"
)

// TestStateText: the state as prompts, answers and keys write it, for
// one-, two- and three-digit disks, and one allocation for the text.
func TestStateText(t *testing.T) {
	big := Start(12)
	big[2] = append(big[2], 100, 7)
	tests := []struct {
		name          string
		s             State
		text, compact string
	}{
		{"start", Start(3), "[[3, 2, 1], [], []]", "[[3,2,1],[],[]]"},
		{"empty", State{}, "[[], [], []]", "[[],[],[]]"},
		{"two digits", State{{12, 10}, {11}, {9, 1}}, "[[12, 10], [11], [9, 1]]", "[[12,10],[11],[9,1]]"},
		{"three digits", State{{}, {}, {100, 7}}, "[[], [], [100, 7]]", "[[],[],[100,7]]"},
		{"negative", State{{-3}, {}, {}}, "[[-3], [], []]", "[[-3],[],[]]"},
		{"long", big, "[[12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1], [], [100, 7]]", "[[12,11,10,9,8,7,6,5,4,3,2,1],[],[100,7]]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.String(); got != tt.text {
				t.Errorf("String() = %q, want %q", got, tt.text)
			}
			if got := tt.s.Compact(); got != tt.compact {
				t.Errorf("Compact() = %q, want %q", got, tt.compact)
			}
			var b strings.Builder
			b.WriteString("x=")
			tt.s.write(&b, ", ")
			if got := b.String(); got != "x="+tt.text {
				t.Errorf("write = %q, want %q", got, "x="+tt.text)
			}
		})
	}
	s := Start(20)
	s[1] = append(s[1], s[0][10:]...)
	s[0] = s[0][:10]
	if n := testing.AllocsPerRun(100, func() { _ = s.String() }); n > 1 {
		t.Errorf("String() of a 20-disk state: %.0f allocations, want 1", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = s.Compact() }); n > 1 {
		t.Errorf("Compact() of a 20-disk state: %.0f allocations, want 1", n)
	}
}

// TestApplyIllegal: every rule Apply enforces has its message, wraps
// ErrIllegal, and costs one allocation: the simulator's oracle tries
// moves that break a rule on every step.
func TestApplyIllegal(t *testing.T) {
	s := State{{3, 2}, {1}, {}}
	tests := []struct {
		m    Move
		want string
	}{
		{Move{1, 1, 3}, "illegal move [1, 1, 3]: pegs are 0, 1 and 2"},
		{Move{1, -1, 0}, "illegal move [1, -1, 0]: pegs are 0, 1 and 2"},
		{Move{1, 1, 1}, "illegal move [1, 1, 1]: from and to are the same peg"},
		{Move{1, 2, 0}, "illegal move [1, 2, 0]: peg 2 is empty"},
		{Move{3, 0, 2}, "illegal move [3, 0, 2]: disk 3 is not on top of peg 0 (top is 2)"},
		{Move{2, 0, 1}, "illegal move [2, 0, 1]: disk 2 cannot go on smaller disk 1"},
	}
	for _, tt := range tests {
		_, err := s.Apply(tt.m)
		if err == nil || err.Error() != tt.want || !errors.Is(err, ErrIllegal) {
			t.Errorf("Apply(%v) = %v, want %q wrapping ErrIllegal", tt.m, err, tt.want)
		}
		if n := testing.AllocsPerRun(50, func() { _, _ = s.Apply(tt.m) }); n > 1 {
			t.Errorf("Apply(%v): %.0f allocations, want 1", tt.m, n)
		}
	}
}
