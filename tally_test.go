package maker_test

import (
	"testing"

	"github.com/maker-go/maker"
)

func TestTally(t *testing.T) {
	tests := []struct {
		name   string
		k      int
		votes  []string
		winner string
		used   int
	}{
		{"lone candidate wins at exactly k", 3, []string{"a", "a", "a", "a"}, "a", 3},
		{"k=1 takes the first vote", 1, []string{"b", "a"}, "b", 1},
		{"a tie is no lead", 2, []string{"a", "b", "a", "b"}, "", 4},
		{"ahead by k, not first to k", 2, []string{"a", "b", "a", "a"}, "a", 4},
		{"arrival order decides", 2, []string{"b", "b", "a", "a"}, "b", 2},
		{"third candidate does not help the runner-up", 2, []string{"a", "b", "c", "a", "a"}, "a", 5},
		{"the leader can change", 2, []string{"a", "b", "b", "b"}, "b", 4},
		{"never decided", 3, []string{"a", "b", "a", "b", "a"}, "", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, used, ok := maker.Decide(tt.votes, tt.k)
			if w != tt.winner || used != tt.used || ok != (tt.winner != "") {
				t.Fatalf("Decide(%v, %d) = %q, %d, %v; want %q, %d", tt.votes, tt.k, w, used, ok, tt.winner, tt.used)
			}
		})
	}
}

func TestTallyNeedAndCounts(t *testing.T) {
	tl := maker.NewTally(3)
	if tl.Need() != 3 {
		t.Fatalf("need before any vote = %d, want 3", tl.Need())
	}
	tl.Add("a")
	tl.Add("b")
	tl.Add("a")
	if leader, lead := tl.Lead(); leader != "a" || lead != 1 {
		t.Fatalf("lead = %q by %d, want a by 1", leader, lead)
	}
	if tl.Need() != 2 {
		t.Fatalf("need = %d, want 2", tl.Need())
	}
	c := tl.Counts()
	if len(c) != 2 || c[0] != (maker.KeyCount{Key: "a", Votes: 2}) || c[1] != (maker.KeyCount{Key: "b", Votes: 1}) {
		t.Fatalf("counts = %v", c)
	}
	tl.Add("a")
	if tl.Add("a") != true || tl.Winner() != "a" {
		t.Fatalf("a at 4-1 should win with k=3")
	}
	if tl.Add("b") || tl.Votes() != 5 {
		t.Fatalf("votes after the decision must be ignored (votes %d)", tl.Votes())
	}
}

// TestTallyAllocations holds a step's tally to one allocation, the tally
// itself, for the one or two candidates nearly every step has: a run
// tallies a million steps.
func TestTallyAllocations(t *testing.T) {
	tests := []struct {
		name  string
		votes []string
		want  float64
	}{
		{"one candidate", []string{"a", "a", "a"}, 1},
		{"two candidates", []string{"a", "b", "a", "a", "a"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := testing.AllocsPerRun(100, func() {
				tl := maker.NewTally(3)
				for _, v := range tt.votes {
					tl.Add(v)
				}
				if tl.Winner() != "a" {
					t.Fatalf("winner %q, want a", tl.Winner())
				}
			})
			if got > tt.want {
				t.Errorf("%.0f allocations a tally, want at most %.0f", got, tt.want)
			}
		})
	}
}

// TestTallyCountsOrder: Counts lists the most votes first and keeps the
// order of first votes among equals.
func TestTallyCountsOrder(t *testing.T) {
	tl := maker.NewTally(5)
	for _, v := range []string{"c", "b", "a", "b", "a", "d", "a"} {
		tl.Add(v)
	}
	got := tl.Counts()
	want := []maker.KeyCount{{Key: "a", Votes: 3}, {Key: "b", Votes: 2}, {Key: "c", Votes: 1}, {Key: "d", Votes: 1}}
	if len(got) != len(want) {
		t.Fatalf("counts %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("counts %v, want %v", got, want)
		}
	}
	if tl.Count("b") != 2 || tl.Count("z") != 0 {
		t.Errorf("Count(b) = %d, Count(z) = %d, want 2 and 0", tl.Count("b"), tl.Count("z"))
	}
}
