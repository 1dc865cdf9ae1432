package runs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sqlite"
)

// counter is a world that adds each action's number to its total; off,
// when set, makes it report one more from that total on, and refuse, an
// action it will not carry out.
type counter struct {
	off    int
	refuse string
}

func (c counter) Execute(_ context.Context, state int, w maker.Candidate[int]) (int, error) {
	if w.Action == c.refuse {
		return 0, fmt.Errorf("no such action %q", w.Action)
	}
	var n int
	if _, err := fmt.Sscan(w.Action, &n); err != nil {
		return 0, err
	}
	next := state + n
	if c.off > 0 && next >= c.off {
		next++
	}
	return next, nil
}

// journaled journals a run of n steps whose step i adds i+1: its states
// are 1, 3, 6, ...
func journaled(t *testing.T, n int) (maker.Journal, string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	j, err := db.Create(ctx, maker.NewRun{Kind: "steps", Task: "steps", Params: json.RawMessage(`{}`), Config: json.RawMessage(`{}`), TotalSteps: n},
		maker.JournalOptions{BatchSteps: 1, BatchInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var sum maker.Summary
	state := 0
	for i := range n {
		state += i + 1
		rec := &maker.StepRecord{Step: i, K: 1, Action: fmt.Sprint(i + 1), Key: fmt.Sprint(i + 1), State: state, Votes: 1,
			Samples: []maker.SampleRecord{{Key: fmt.Sprint(i + 1)}}}
		if err := j.Observe(ctx, rec); err != nil {
			t.Fatal(err)
		}
		sum.AddStep(rec)
	}
	if err := j.Finish(&sum, maker.StatusInterrupted); err != nil {
		t.Fatal(err)
	}
	return db, j.ID()
}

// TestReplayWorld: a world started afresh is brought to a resumed run's
// checkpoint by its journaled actions, and one that reports another state
// or refuses an action refuses the resume, naming the step and where the
// states differ.
func TestReplayWorld(t *testing.T) {
	db, id := journaled(t, 5)
	ctx := context.Background()
	tests := []struct {
		name  string
		world counter
		steps int
		want  []string // nil: the replay succeeds
	}{
		{name: "same world", steps: 4},
		{name: "nothing to replay", steps: 0},
		{name: "another state", world: counter{off: 6}, steps: 4, want: []string{"replaying step 3 (\"3\")", "the world now reports 7 where the journal holds 6"}},
		{name: "refused action", world: counter{refuse: "2"}, steps: 4, want: []string{"replaying step 2 (\"2\")", `no such action "2"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ReplayWorld[int](ctx, db, id, tt.world, 0, tt.steps)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("replay: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("replay: %v; want a refused resume (ErrInvalid)", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("replay: %v; want it to say %q", err, w)
				}
			}
		})
	}
	if err := ReplayWorld[int](ctx, db, id, counter{}, 0, 6); err == nil || !strings.Contains(err.Error(), "5 steps to replay, want 6") {
		t.Errorf("replaying more steps than the journal holds: %v", err)
	}
	acts, err := PriorActions(ctx, db, id, 3)
	if err != nil || strings.Join(acts, ",") != "1,2,3" {
		t.Errorf("prior actions: %v, %v; want 1,2,3", acts, err)
	}
}
