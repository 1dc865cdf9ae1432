package journaltest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

// DecisionCache holds a backend's [maker.CachingJournal] to its contract:
// Begin marks a run with its scope and returns the journaled steps of the
// earlier runs in that scope (oldest run first, steps in order, a step a
// person was asked about marked, the origin's own left out), which a
// second handle on the database (another process) finds too; a run with
// steps that begins again under another scope loses its mark; stats count
// the marked runs and their steps by scope; prune forgets marks by run and
// by age and never deletes a step. open opens the same database each time
// it is called.
func DecisionCache(t *testing.T, open func(t *testing.T) maker.Journal) {
	ctx := context.Background()
	db := open(t)
	cache := func(j maker.Journal) maker.DecisionCache {
		t.Helper()
		cj, ok := j.(maker.CachingJournal)
		if !ok {
			t.Fatalf("%T is not a maker.CachingJournal", j)
		}
		return cj.DecisionCache()
	}
	begin := func(j maker.Journal, origin, scope string) []maker.CachedStep {
		t.Helper()
		steps, err := cache(j).Begin(ctx, origin, scope)
		if err != nil {
			t.Fatalf("begin %s in %s: %v", origin, scope, err)
		}
		var out []maker.CachedStep
		for s, err := range steps {
			if err != nil {
				t.Fatalf("begin %s in %s: %v", origin, scope, err)
			}
			out = append(out, s)
		}
		return out
	}
	// run journals a run of n steps in scope; step 1 (0-based) is asked
	// about and step 2 is wrong when marked says so.
	run := func(scope string, n int, marked bool) string {
		t.Helper()
		rec, err := db.Create(ctx, maker.NewRun{Kind: "test", Task: "t"}, maker.JournalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		id := rec.ID()
		begin(db, id, scope)
		for i := range n {
			r := Record(i)
			r.Action, r.State = "a"+string(rune('0'+i)), []int{i, i + 1}
			r.Wrong = marked && i == 2
			if marked && i == 1 {
				dj := db.(maker.DecisionJournal)
				if _, err := dj.Ask(ctx, id, maker.DecisionRequest{Kind: maker.DecisionAsk, Step: i + 1}); err != nil {
					t.Fatal(err)
				}
			}
			if err := rec.Observe(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := rec.Finish(nil, maker.StatusDone); err != nil {
			t.Fatal(err)
		}
		return id
	}
	a := run("s1", 3, true)
	if got := begin(db, "", "s1"); len(got) != 3 {
		t.Fatalf("begin in s1 after one run: %d steps, want 3: %+v", len(got), got)
	}
	b := run("s1", 2, false)
	c := run("s2", 1, false)

	other := open(t) // another process
	got := begin(other, "", "s1")
	if len(got) != 5 {
		t.Fatalf("another handle's begin in s1: %d steps, want 5 (run %s's 3, then %s's 2): %+v", len(got), a, b, got)
	}
	for i, s := range got {
		wantRun, wantStep := a, i
		if i >= 3 {
			wantRun, wantStep = b, i-3
		}
		var state []int
		if err := json.Unmarshal(s.State, &state); err != nil || len(state) != 2 || state[0] != wantStep {
			t.Errorf("step %d: state %s (%v), want [%d,%d]", i, s.State, err, wantStep, wantStep+1)
		}
		asked, wrong := s.Run == a && s.Step == 1, s.Run == a && s.Step == 2
		if s.Run != wantRun || s.Step != wantStep || s.K != 2 || s.Action != "a"+string(rune('0'+wantStep)) || s.Asked != asked || s.Wrong != wrong {
			t.Errorf("step %d: %+v; want run %s step %d, k 2, asked %v, wrong %v", i, s, wantRun, wantStep, asked, wrong)
		}
	}
	if got := begin(other, b, "s1"); len(got) != 3 {
		t.Errorf("begin of %s in s1: %d steps, want the 3 of the run before it (not its own)", b, len(got))
	}
	if got := begin(other, "", "s3"); len(got) != 0 {
		t.Errorf("begin in a scope no run has: %d steps", len(got))
	}
	// A run with steps begun again under another scope (resumed with
	// other settings) is no one's to reuse; under its own it stays.
	d := run("s1", 1, false)
	begin(other, d, "s1")
	if got := begin(other, "", "s1"); len(got) != 6 {
		t.Errorf("begin in s1 after %s resumed in it: %d steps, want 6", d, len(got))
	}
	begin(other, d, "s4")
	if got, again := begin(other, "", "s1"), begin(other, "", "s4"); len(got) != 5 || len(again) != 0 {
		t.Errorf("after %s resumed in another scope: %d steps in s1, %d in s4; want 5 and none", d, len(got), len(again))
	}

	admin, ok := cache(other).(maker.CacheAdmin)
	if !ok {
		t.Fatalf("%T's cache is not a maker.CacheAdmin", other)
	}
	st, err := admin.Stats(ctx)
	if err != nil || st.Runs != 3 || st.Steps != 6 || len(st.Scopes) != 2 || st.Scopes[0].Runs != 2 || st.Scopes[0].Steps != 5 || st.Scopes[1].Steps != 1 {
		t.Errorf("stats %+v, %v; want 3 runs, 6 steps: 2 runs with 5 in s1, 1 with 1 in s2", st, err)
	}
	future := time.Now().Add(time.Hour)
	if runs, steps, err := admin.Prune(ctx, future, a); err != nil || runs != 1 || steps != 3 {
		t.Errorf("prune run %s: %d runs, %d steps, %v; want 1 run, 3 steps", a, runs, steps, err)
	}
	if got := begin(other, "", "s1"); len(got) != 2 || got[0].Run != b {
		t.Errorf("begin in s1 after pruning %s: %+v; want %s's 2 steps", a, got, b)
	}
	n := 0
	if err := other.Steps(ctx, a, 0, -1, func(*maker.StepRecord) error { n++; return nil }); err != nil || n != 3 {
		t.Errorf("the pruned run's journal: %d steps, %v; want all 3", n, err)
	}
	if runs, _, err := admin.Prune(ctx, time.Now().Add(-time.Hour), ""); err != nil || runs != 0 {
		t.Errorf("prune older than an hour: %d runs, %v; want 0", runs, err)
	}
	if runs, steps, err := admin.Prune(ctx, future, ""); err != nil || runs != 2 || steps != 3 {
		t.Errorf("prune all: %d runs, %d steps, %v; want 2 and 3 (%s, %s)", runs, steps, err, b, c)
	}
	if st, err := admin.Stats(ctx); err != nil || st.Runs != 0 || len(st.Scopes) != 0 {
		t.Errorf("stats after pruning all: %+v, %v", st, err)
	}
}
