package sqlite_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
	"github.com/maker-go/maker/sqlite"
)

func openDB(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "sub", "maker.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// record is a hand-made step: a winner "a" ahead by k=2 after a flagged
// sample, a losing vote and a cancelled one.
func record(step int) *maker.StepRecord {
	return &maker.StepRecord{
		Step: step, K: 2, Prev: "p", Action: "move a", Key: "a", State: []int{step, step + 1},
		Tally: []maker.KeyCount{{Key: "a", Votes: 3}, {Key: "b", Votes: 1}},
		Samples: []maker.SampleRecord{
			{Index: 0, Seq: 0, Text: "A", Key: "a", Voted: true, Usage: maker.Usage{InputTokens: 10, OutputTokens: 5, CostUSD: 0.5}, Latency: time.Millisecond},
			{Index: 1, Seq: 1, Text: "garbage", Flag: maker.FlagMalformed, Usage: maker.Usage{OutputTokens: 7}},
			{Index: 2, Seq: 2, Text: "B", Key: "b", Voted: true},
			{Index: 3, Seq: 3, Text: "A", Key: "a", Voted: true},
			{Index: 4, Seq: 4, Text: "A", Key: "a", Voted: true},
			{Index: 5, Seq: 5, Cancelled: true},
		},
		Votes: 4, Flagged: 1, Cancelled: 1, Usage: maker.Usage{InputTokens: 10, OutputTokens: 12, CostUSD: 0.5}, Wall: 3 * time.Millisecond,
	}
}

func TestKeepPolicy(t *testing.T) {
	tests := []struct {
		keep  sqlite.Keep
		texts []string // by seq
	}{
		{sqlite.KeepNone, []string{"", "", "", "", "", ""}},
		{sqlite.KeepFlagged, []string{"", "garbage", "B", "", "", ""}},
		{sqlite.KeepAll, []string{"A", "garbage", "B", "A", "A", ""}},
	}
	for _, tt := range tests {
		t.Run(string(tt.keep), func(t *testing.T) {
			ctx := context.Background()
			db := openDB(t)
			j, err := db.Create(ctx, sqlite.NewRun{Kind: "test", Task: "t"}, sqlite.Options{Keep: tt.keep})
			if err != nil {
				t.Fatal(err)
			}
			want := record(0)
			if err := j.Observe(ctx, want); err != nil {
				t.Fatal(err)
			}
			if err := j.Finish(nil, maker.StatusFailed); err != nil {
				t.Fatal(err)
			}
			var got []*maker.StepRecord
			if err := db.Steps(ctx, j.ID(), 0, -1, func(r *maker.StepRecord) error { got = append(got, r); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("got %d steps, want 1", len(got))
			}
			g := got[0]
			if string(g.State.(json.RawMessage)) != "[0,1]" {
				t.Errorf("state %s, want [0,1]", g.State)
			}
			for i, s := range g.Samples {
				w := want.Samples[i]
				if s.Text != tt.texts[i] {
					t.Errorf("sample %d text %q, want %q", i, s.Text, tt.texts[i])
				}
				w.Text = s.Text
				if !reflect.DeepEqual(s, w) {
					t.Errorf("sample %d = %+v, want %+v", i, s, w)
				}
			}
			g.State, g.Samples, want.State, want.Samples = nil, nil, nil, nil
			if !reflect.DeepEqual(g, want) {
				t.Errorf("step = %+v\nwant %+v", g, want)
			}
		})
	}
}

func TestParseKeep(t *testing.T) {
	for _, s := range []string{"none", "flagged", "all"} {
		if _, err := sqlite.ParseKeep(s); err != nil {
			t.Errorf("ParseKeep(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", "some", "ALL"} {
		if _, err := sqlite.ParseKeep(s); err == nil {
			t.Errorf("ParseKeep(%q) accepted", s)
		}
	}
}

// TestResume journals part of a simulated run, drops the journal as a kill
// would, resumes from the checkpoint and checks that the joined run is the
// uninterrupted one, step for step, and that the summary adds up.
func TestResume(t *testing.T) {
	ctx := context.Background()
	task, _ := hanoi.New(7)
	model, err := sim.New(task, sim.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	cfg := maker.Config{K: 2, Ordered: true}
	full, err := maker.Run(ctx, task, model, cfg)
	if err != nil {
		t.Fatal(err)
	}

	db := openDB(t)
	j, err := db.Create(ctx, sqlite.NewRun{Kind: "hanoi", Task: task.Name(), TotalSteps: task.Steps()}, sqlite.Options{BatchSteps: 10, BatchInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	// Stop after 45 steps; only the 40 of the full batches are committed
	// when the "kill" comes.
	cfg1 := cfg
	cfg1.MaxSteps = 45
	cfg1.Observers = []maker.Observer{j}
	if _, err := maker.Run(ctx, task, model, cfg1); err != nil {
		t.Fatal(err)
	}
	waitSteps(t, db, j.ID(), 40)
	cp, err := db.Checkpoint(ctx, j.ID())
	if err != nil {
		t.Fatal(err)
	}
	if cp.Step != 40 {
		t.Fatalf("checkpoint at %d steps, want 40", cp.Step)
	}
	// The kill: the process is gone with steps 41-45 unwritten. A second
	// journal on the same run stands for the next process.
	j2, cp2, err := db.Resume(ctx, j.ID()[:5], sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if j2.Session() != 1 || cp2.Step != 40 || cp2.Prev != full.Actions[39] {
		t.Fatalf("resume: session %d at %d after %q, want 1 at 40 after %q", j2.Session(), cp2.Step, cp2.Prev, full.Actions[39])
	}
	var state hanoi.State
	if err := json.Unmarshal(cp2.State, &state); err != nil {
		t.Fatal(err)
	}
	cfg2 := cfg
	cfg2.Observers = []maker.Observer{j2}
	rest, err := maker.RunFrom(ctx, task, model, cfg2, maker.Checkpoint[hanoi.State]{Step: cp2.Step, State: state, Prev: cp2.Prev})
	if err != nil {
		t.Fatal(err)
	}
	if err := j2.Finish(&rest.Summary, maker.RunStatus(&rest.Summary, err)); err != nil {
		t.Fatal(err)
	}
	// The first journal's writer must not write the steps it still holds
	// after the resumption has: closing it fails on their keys.
	if err := j.Close(); err == nil {
		t.Error("closing the killed session's journal wrote steps the resumption had already written")
	}

	var actions []string
	err = db.Steps(ctx, j.ID(), 0, -1, func(r *maker.StepRecord) error {
		if r.Step != len(actions) {
			t.Fatalf("step %d where %d was due", r.Step, len(actions))
		}
		actions = append(actions, r.Action)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(actions, full.Actions) {
		t.Errorf("journaled actions differ from the uninterrupted run's")
	}
	run, err := db.Run(ctx, j.ID())
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != maker.StatusDone || run.Steps != task.Steps() || len(run.Sessions) != 2 {
		t.Errorf("run %+v", run)
	}
	if _, _, err := db.Resume(ctx, j.ID(), sqlite.Options{}); err == nil {
		t.Error("a done run was resumed")
	}
	sum, err := db.Summary(ctx, j.ID())
	if err != nil {
		t.Fatal(err)
	}
	// Steps 1-40 are counted from the killed session's rows, 41-127 from
	// the resumption's own summary: together, the uninterrupted run's.
	fs := full.Summary
	if sum.Steps != fs.Steps || sum.Samples != fs.Samples || sum.ValidVotes != fs.ValidVotes || sum.OutputTokens != fs.OutputTokens ||
		sum.MaxVotesInStep != fs.MaxVotesInStep || !reflect.DeepEqual(sum.VotesHistogram, fs.VotesHistogram) || !sum.Success || !sum.Done {
		t.Errorf("summary %+v\nwant      %+v", sum, fs)
	}
}

func waitSteps(t *testing.T, db *sqlite.DB, id string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		run, err := db.Run(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if run.Steps >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d steps committed after 10s, want %d", run.Steps, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestObserveOutOfOrder(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	j, err := db.Create(ctx, sqlite.NewRun{Kind: "test", Task: "t"}, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []int{0, 2} {
		if err := j.Observe(ctx, record(s)); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Flush(ctx); err == nil {
		t.Fatal("a gap in the steps was committed")
	}
	if err := j.Observe(ctx, record(1)); err == nil {
		t.Error("the journal went on after a failed commit")
	}
	run, err := db.Run(ctx, j.ID())
	if err != nil {
		t.Fatal(err)
	}
	if run.Steps != 0 {
		t.Errorf("%d steps committed, want 0: the batch is all or nothing", run.Steps)
	}
}

func TestLookup(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if _, err := db.Run(ctx, "nope"); !errors.Is(err, sqlite.ErrNotFound) {
		t.Errorf("unknown id: %v, want ErrNotFound", err)
	}
	var ids []string
	for range 40 {
		j, err := db.Create(ctx, sqlite.NewRun{Task: "t"}, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID())
	}
	runs, err := db.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != len(ids) {
		t.Fatalf("listed %d runs, want %d", len(runs), len(ids))
	}
	for _, id := range ids {
		r, err := db.Run(ctx, id)
		if err != nil || r.ID != id || r.Status != maker.StatusRunning {
			t.Fatalf("Run(%q) = %+v, %v", id, r, err)
		}
	}
	// With 40 ids over 16 first hex digits, some first digit is shared.
	seen := map[byte]bool{}
	for _, id := range ids {
		if seen[id[0]] {
			if _, err := db.Run(ctx, id[:1]); err == nil || errors.Is(err, sqlite.ErrNotFound) {
				t.Errorf("ambiguous prefix %q: %v", id[:1], err)
			}
			return
		}
		seen[id[0]] = true
	}
}

func TestReplaySameK(t *testing.T) {
	ctx := context.Background()
	task, _ := hanoi.New(6)
	sc := sim.DefaultConfig()
	sc.ErrorRate = 0.2
	model, err := sim.New(task, sc)
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	j, err := db.Create(ctx, sqlite.NewRun{Kind: "hanoi", Task: task.Name()}, sqlite.Options{Keep: sqlite.KeepNone})
	if err != nil {
		t.Fatal(err)
	}
	res, runErr := maker.Run(ctx, task, model, maker.Config{K: 3, Ordered: true, Observers: []maker.Observer{j}})
	if err := j.Finish(&res.Summary, maker.RunStatus(&res.Summary, runErr)); err != nil {
		t.Fatal(err)
	}
	if res.Summary.StepsOverK == 0 {
		t.Fatal("no step needed more than k votes: the test would not exercise disagreement")
	}
	r, err := db.Replay(ctx, j.ID(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Steps != res.Summary.Steps || r.Same != r.Steps || len(r.Changed) != 0 {
		t.Errorf("replay with the run's own k: %+v", r)
	}
}
