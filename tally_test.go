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
