// Package journaltest is the one conformance suite of journal backends:
// every backend's tests call [Run] with a way to open a fresh journal, and
// the same tests hold the backend to the [maker.Journal] contract (create,
// observe, flush, finish, resume after a kill, the run lock, steps,
// checkpoint, replay, listing, summaries of resumed runs, the gap-free
// prefix).
package journaltest

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/internal/journalio"
	"github.com/maker-go/maker/sim"
)

// Harness is what a backend gives the suite.
type Harness struct {
	// Open returns a fresh, empty journal, closed when the test ends.
	Open func(t *testing.T) maker.Journal
	// Exec runs a statement on the journal's database behind the
	// backend's back, to damage it as an edit or a lost write would; nil
	// skips the tests that need it.
	Exec func(t *testing.T, j maker.Journal, stmt string)
	// SQL opens the journal's database for plain SQL, as someone at a SQL
	// prompt would query it (the samples view), closed when the test ends;
	// nil skips the tests that need it.
	SQL func(t *testing.T, j maker.Journal) *sql.DB
	// Secret is a credential the backend was opened with (a password in
	// its URL), which must not appear in Location or in a run's records;
	// "" for none.
	Secret string
}

// Run runs the suite.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, Harness)
	}{
		{"KeepPolicy", testKeepPolicy},
		{"ResumeAfterKill", testResumeAfterKill},
		{"ObserveOutOfOrder", testObserveOutOfOrder},
		{"Lookup", testLookup},
		{"ListRuns", testListRuns},
		{"Lock", testLock},
		{"FinishAndClose", testFinishAndClose},
		{"EndTx", testEndTx},
		{"Actions", testActions},
		{"ReplaySameK", testReplaySameK},
		{"SummaryOfResumedBatchedRun", testSummaryOfResumedBatchedRun},
		{"StepsRange", testStepsRange},
		{"Inconsistent", testInconsistent},
		{"NoSecrets", testNoSecrets},
		{"SamplesView", testSamplesView},
		{"FirstEncoding", testFirstEncoding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, h) })
	}
}

// Record is a hand-made step: a winner "a" ahead by k=2 after a flagged
// sample, a losing vote and a cancelled one.
func Record(step int) *maker.StepRecord {
	return &maker.StepRecord{
		Step: step, K: 2, Prev: "p", Action: "move a", Key: "a", State: []int{step, step + 1},
		Tally: []maker.KeyCount{{Key: "a", Votes: 3}, {Key: "b", Votes: 1}},
		Samples: []maker.SampleRecord{
			{Index: 0, Seq: 0, Model: "sim/a", Text: "A", Key: "a", Voted: true, Usage: maker.Usage{InputTokens: 10, OutputTokens: 5, CostUSD: 0.5}, Latency: time.Millisecond},
			{Index: 1, Seq: 1, Text: "garbage", Flag: maker.FlagMalformed, Usage: maker.Usage{OutputTokens: 7}},
			{Index: 2, Seq: 2, Model: "sim/b", Text: "B", Key: "b", Voted: true},
			{Index: 3, Seq: 3, Text: "A", Key: "a", Voted: true},
			{Index: 4, Seq: 4, Text: "A", Key: "a", Voted: true},
			{Index: 5, Seq: 5, Cancelled: true},
		},
		Votes: 4, Flagged: 1, Cancelled: 1, Usage: maker.Usage{InputTokens: 10, OutputTokens: 12, CostUSD: 0.5}, Wall: 3 * time.Millisecond,
	}
}

// kill makes r's session end as a killed process's would: what it has not
// committed is lost, its lock is released, and no end is recorded.
func kill(t *testing.T, r maker.Recorder) {
	t.Helper()
	a, ok := r.(interface{ Abandon() })
	if !ok {
		t.Fatalf("the recorder %T cannot be abandoned: give it an Abandon method (see journalio.Recorder)", r)
	}
	a.Abandon()
}

var _ interface{ Abandon() } = (*journalio.Recorder)(nil)

func steps(t *testing.T, j maker.Journal, id string) []*maker.StepRecord {
	t.Helper()
	var got []*maker.StepRecord
	if err := j.Steps(context.Background(), id, 0, -1, func(r *maker.StepRecord) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return got
}

func testKeepPolicy(t *testing.T, h Harness) {
	tests := []struct {
		keep  maker.Keep
		texts []string // by seq
	}{
		{maker.KeepNone, []string{"", "", "", "", "", ""}},
		{maker.KeepFlagged, []string{"", "garbage", "B", "", "", ""}},
		{maker.KeepAll, []string{"A", "garbage", "B", "A", "A", ""}},
	}
	for _, tt := range tests {
		t.Run(string(tt.keep), func(t *testing.T) {
			ctx := context.Background()
			db := h.Open(t)
			j, err := db.Create(ctx, maker.NewRun{Kind: "test", Task: "t"}, maker.JournalOptions{Keep: tt.keep})
			if err != nil {
				t.Fatal(err)
			}
			want := Record(0)
			if err := j.Observe(ctx, want); err != nil {
				t.Fatal(err)
			}
			if err := j.Finish(nil, maker.StatusFailed); err != nil {
				t.Fatal(err)
			}
			got := steps(t, db, j.ID())
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
			run, err := db.Run(ctx, j.ID())
			if err != nil {
				t.Fatal(err)
			}
			if run.Keep != tt.keep || run.Status != maker.StatusFailed || run.Steps != 1 {
				t.Errorf("run %+v", run)
			}
		})
	}
}

func waitSteps(t *testing.T, db maker.Journal, id string, n int) {
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

// testResumeAfterKill journals part of a simulated run, kills the session
// with steps observed but not committed, resumes from the checkpoint and
// checks that the joined run is the uninterrupted one, step for step, and
// that the summary adds up.
func testResumeAfterKill(t *testing.T, h Harness) {
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

	db := h.Open(t)
	j, err := db.Create(ctx, maker.NewRun{Kind: "hanoi", Task: task.Name(), TotalSteps: task.Steps()}, maker.JournalOptions{BatchSteps: 10, BatchInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	// Stop after 45 steps; only the 40 of the full batches are committed
	// when the kill comes.
	cfg1 := cfg
	cfg1.MaxSteps = 45
	cfg1.Observers = []maker.Observer{j}
	if _, err := maker.Run(ctx, task, model, cfg1); err != nil {
		t.Fatal(err)
	}
	waitSteps(t, db, j.ID(), 40)
	kill(t, j)
	cp, err := db.Checkpoint(ctx, j.ID())
	if err != nil {
		t.Fatal(err)
	}
	if cp.Step != 40 {
		t.Fatalf("checkpoint at %d steps, want 40: the killed session's steps 41-45 were never committed", cp.Step)
	}
	j2, cp2, err := db.Resume(ctx, j.ID()[:5], maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if j2.Session() != 1 || cp2.Step != 40 || cp2.Prev != full.Actions[39] || j2.ID() != j.ID() {
		t.Fatalf("resume: run %s session %d at %d after %q, want %s 1 at 40 after %q", j2.ID(), j2.Session(), cp2.Step, cp2.Prev, j.ID(), full.Actions[39])
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

	var actions []string
	for _, r := range steps(t, db, j.ID()) {
		if r.Step != len(actions) {
			t.Fatalf("step %d where %d was due", r.Step, len(actions))
		}
		actions = append(actions, r.Action)
	}
	if !reflect.DeepEqual(actions, full.Actions) {
		t.Errorf("journaled actions differ from the uninterrupted run's")
	}
	run, err := db.Run(ctx, j.ID())
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != maker.StatusDone || run.Steps != task.Steps() || len(run.Sessions) != 2 ||
		run.Sessions[0].Status != maker.StatusRunning || run.Sessions[1].StartStep != 40 || run.Sessions[1].Status != maker.StatusDone {
		t.Errorf("run %+v", run)
	}
	if _, _, err := db.Resume(ctx, j.ID(), maker.JournalOptions{}); err == nil {
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

func testObserveOutOfOrder(t *testing.T, h Harness) {
	ctx := context.Background()
	db := h.Open(t)
	j, err := db.Create(ctx, maker.NewRun{Kind: "test", Task: "t"}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for _, s := range []int{0, 2} {
		if err := j.Observe(ctx, Record(s)); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Flush(ctx); err == nil {
		t.Fatal("a gap in the steps was committed")
	}
	if err := j.Observe(ctx, Record(1)); err == nil {
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

func testLookup(t *testing.T, h Harness) {
	ctx := context.Background()
	db := h.Open(t)
	runs, err := db.Runs(ctx)
	if err != nil || runs == nil || len(runs) != 0 {
		t.Errorf("Runs of an empty journal = %v, %v; want an empty list", runs, err)
	}
	for _, id := range []string{"nope", ""} {
		if _, err := db.Run(ctx, id); !errors.Is(err, maker.ErrNoRun) {
			t.Errorf("Run(%q): %v, want ErrNoRun", id, err)
		}
		if _, _, err := db.Resume(ctx, id, maker.JournalOptions{}); !errors.Is(err, maker.ErrNoRun) {
			t.Errorf("Resume(%q): %v, want ErrNoRun", id, err)
		}
		if _, err := db.Summary(ctx, id); !errors.Is(err, maker.ErrNoRun) {
			t.Errorf("Summary(%q): %v, want ErrNoRun", id, err)
		}
		if _, err := db.Checkpoint(ctx, id); !errors.Is(err, maker.ErrNoRun) {
			t.Errorf("Checkpoint(%q): %v, want ErrNoRun", id, err)
		}
		if err := db.Steps(ctx, id, 0, -1, func(*maker.StepRecord) error { return nil }); !errors.Is(err, maker.ErrNoRun) {
			t.Errorf("Steps(%q): %v, want ErrNoRun", id, err)
		}
	}
	if _, err := db.Create(ctx, maker.NewRun{}, maker.JournalOptions{}); err == nil {
		t.Error("a run with no task name was created")
	}
	if _, err := db.Create(ctx, maker.NewRun{Task: "t"}, maker.JournalOptions{Keep: "some"}); err == nil {
		t.Error("a run with keep policy \"some\" was created")
	}
	var ids []string
	for i := range 40 {
		j, err := db.Create(ctx, maker.NewRun{Task: "t", Kind: "k", Model: "m", TotalSteps: i, Params: json.RawMessage(`{"n":1}`)}, maker.JournalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID())
	}
	if runs, err = db.Runs(ctx); err != nil {
		t.Fatal(err)
	}
	if len(runs) != len(ids) {
		t.Fatalf("listed %d runs, want %d", len(runs), len(ids))
	}
	for i, r := range runs { // newest first
		if want := ids[len(ids)-1-i]; r.ID != want {
			t.Fatalf("run %d listed is %s, want %s (newest first)", i, r.ID, want)
		}
		if r.Sessions != nil {
			t.Fatalf("Runs listed sessions: %+v", r)
		}
	}
	for i, id := range ids {
		r, err := db.Run(ctx, id)
		if err != nil || r.ID != id || r.Status != maker.StatusRunning || r.TotalSteps != i || r.Kind != "k" || r.Model != "m" ||
			string(r.Params) != `{"n":1}` || string(r.Config) != "{}" || r.Keep != maker.KeepFlagged || len(r.Sessions) != 1 {
			t.Fatalf("Run(%q) = %+v, %v", id, r, err)
		}
		if r.Created.IsZero() || time.Since(r.Created) > time.Hour || r.Created.After(r.Updated) {
			t.Fatalf("Run(%q) created %v, updated %v", id, r.Created, r.Updated)
		}
	}
	// With 40 ids over 16 first hex digits, some first digit is shared.
	seen := map[byte]bool{}
	for _, id := range ids {
		if seen[id[0]] {
			if _, err := db.Run(ctx, id[:1]); err == nil || errors.Is(err, maker.ErrNoRun) {
				t.Errorf("ambiguous prefix %q: %v", id[:1], err)
			}
			return
		}
		seen[id[0]] = true
	}
}

// testLock holds a run with a live recorder and checks that a resumption
// is turned away, recording nothing, and that the run resumes once the
// holder is closed or killed.
func testLock(t *testing.T, h Harness) {
	ctx := context.Background()
	db := h.Open(t)
	j, err := db.Create(ctx, maker.NewRun{Kind: "test", Task: "t"}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Observe(ctx, Record(0)); err != nil {
		t.Fatal(err)
	}
	if err := j.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Resume(ctx, j.ID(), maker.JournalOptions{}); !errors.Is(err, maker.ErrLocked) || !strings.Contains(err.Error(), j.ID()) {
		t.Fatalf("resume of a run being recorded: %v, want ErrLocked naming the run", err)
	}
	run, err := db.Run(ctx, j.ID())
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Sessions) != 1 {
		t.Fatalf("the refused resumption recorded a session: %+v", run.Sessions)
	}
	kill(t, j)
	j2, cp, err := db.Resume(ctx, j.ID(), maker.JournalOptions{})
	if err != nil {
		t.Fatalf("resume after the holder was killed: %v", err)
	}
	if cp.Step != 1 {
		t.Errorf("resumed at step %d, want 1", cp.Step)
	}
	if _, _, err := db.Resume(ctx, j.ID(), maker.JournalOptions{}); !errors.Is(err, maker.ErrLocked) {
		t.Fatalf("resume of a run being resumed: %v, want ErrLocked", err)
	}
	if err := j2.Close(); err != nil {
		t.Fatal(err)
	}
	j3, _, err := db.Resume(ctx, j.ID(), maker.JournalOptions{})
	if err != nil {
		t.Fatalf("resume after the holder was closed: %v", err)
	}
	if err := j3.Finish(nil, maker.StatusFailed); err != nil {
		t.Fatal(err)
	}
	if run, err = db.Run(ctx, j.ID()); err != nil {
		t.Fatal(err)
	}
	if len(run.Sessions) != 3 || run.Status != maker.StatusFailed {
		t.Errorf("run after two resumptions: %+v", run)
	}
}

func testFinishAndClose(t *testing.T, h Harness) {
	ctx := context.Background()
	db := h.Open(t)
	j, err := db.Create(ctx, maker.NewRun{Kind: "test", Task: "t", TotalSteps: 3}, maker.JournalOptions{BatchInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	for s := range 3 {
		if err := j.Observe(ctx, Record(s)); err != nil {
			t.Fatal(err)
		}
	}
	sum := &maker.Summary{Task: "t", Steps: 3, Success: true, Done: true, Samples: 18}
	if err := j.Finish(sum, maker.StatusDone); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Errorf("Close after Finish: %v", err)
	}
	if err := j.Observe(ctx, Record(3)); err == nil {
		t.Error("a finished recorder took a step")
	}
	run, err := db.Run(ctx, j.ID())
	if err != nil {
		t.Fatal(err)
	}
	if run.Steps != 3 || run.Status != maker.StatusDone || run.Sessions[0].Summary == nil || run.Sessions[0].Summary.Samples != 18 {
		t.Errorf("run %+v", run)
	}
	cp, err := db.Checkpoint(ctx, j.ID())
	if err != nil || cp.Step != 3 || string(cp.State) != "[2,3]" || cp.Prev != "move a" {
		t.Errorf("checkpoint %+v, %v; want step 3, state [2,3], prev \"move a\"", cp, err)
	}
}

// testEndTx: Finish commits the last steps, the end and the options' EndTx
// in one transaction; an EndTx that fails takes the last steps and the end
// back with it, and the run resumes from the steps committed before.
func testEndTx(t *testing.T, h Harness) {
	ctx := context.Background()
	db := h.Open(t)
	var calls []string
	fail := true
	opts := maker.JournalOptions{BatchSteps: 2, BatchInterval: time.Hour, EndTx: func(_ context.Context, tx any, status string) error {
		if tx == nil {
			t.Error("EndTx was given no transaction")
		}
		calls = append(calls, status)
		if fail {
			return errors.New("the queue refused")
		}
		return nil
	}}
	j, err := db.Create(ctx, maker.NewRun{Kind: "test", Task: "t", TotalSteps: 5}, opts)
	if err != nil {
		t.Fatal(err)
	}
	for s := range 3 {
		if err := j.Observe(ctx, Record(s)); err != nil {
			t.Fatal(err)
		}
	}
	waitSteps(t, db, j.ID(), 2) // the first group of two committed on its own
	err = j.Finish(&maker.Summary{Task: "t", Steps: 3}, maker.StatusStopped)
	if err == nil || !strings.Contains(err.Error(), "the queue refused") {
		t.Fatalf("Finish with a failing EndTx: %v", err)
	}
	run, err := db.Run(ctx, j.ID())
	if err != nil {
		t.Fatal(err)
	}
	if run.Steps != 2 || run.Status != maker.StatusRunning || run.Sessions[0].Summary != nil {
		t.Fatalf("after a failed EndTx: %d steps, %s, summary %v; want the 2 steps committed before, still running, no summary", run.Steps, run.Status, run.Sessions[0].Summary)
	}
	fail = false
	j2, cp, err := db.Resume(ctx, j.ID(), opts)
	if err != nil {
		t.Fatalf("resume after a failed EndTx (the lock must be free): %v", err)
	}
	if cp.Step != 2 {
		t.Fatalf("resumed at step %d, want 2", cp.Step)
	}
	for s := 2; s < 5; s++ {
		if err := j2.Observe(ctx, Record(s)); err != nil {
			t.Fatal(err)
		}
	}
	if err := j2.Finish(&maker.Summary{Task: "t", Steps: 3, Success: true, Done: true}, maker.StatusDone); err != nil {
		t.Fatal(err)
	}
	if want := []string{maker.StatusStopped, maker.StatusDone}; !reflect.DeepEqual(calls, want) {
		t.Errorf("EndTx saw %v, want %v", calls, want)
	}
	if run, err = db.Run(ctx, j.ID()); err != nil || run.Steps != 5 || run.Status != maker.StatusDone {
		t.Errorf("run after the second session: %+v, %v", run, err)
	}
	if got := len(steps(t, db, j.ID())); got != 5 {
		t.Errorf("%d steps journaled, want 5", got)
	}
}

// testActions: a recorder records an action's start durably, after the
// steps before it, and its end; an action started past the last committed
// step is found on resume and listed by the journal.
func testActions(t *testing.T, h Harness) {
	ctx := context.Background()
	db := h.Open(t)
	j, err := db.Create(ctx, maker.NewRun{Kind: "test", Task: "t", TotalSteps: 5}, maker.JournalOptions{BatchInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ar, ok := j.(interface{ ActionRecorder() maker.ActionRecorder })
	if !ok || ar.ActionRecorder() == nil {
		t.Fatalf("the recorder %T records no actions", j)
	}
	log := ar.ActionRecorder()
	for s := range 2 {
		if err := log.ActionStarted(ctx, s); err != nil {
			t.Fatal(err)
		}
		if err := log.ActionFinished(ctx, s); err != nil {
			t.Fatal(err)
		}
		if err := j.Observe(ctx, Record(s)); err != nil {
			t.Fatal(err)
		}
	}
	if err := log.ActionStarted(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if run, err := db.Run(ctx, j.ID()); err != nil || run.Steps != 2 {
		t.Fatalf("an action's start did not first commit the steps before it: %+v, %v", run, err)
	}
	kill(t, j) // the third action was cut short
	j2, cp, err := db.Resume(ctx, j.ID(), maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	p, err := j2.(interface{ ActionRecorder() maker.ActionRecorder }).ActionRecorder().PendingAction(ctx, cp.Step)
	if err != nil {
		t.Fatal(err)
	}
	if p == nil || p.Step != 2 || p.Session != 0 || p.Finished || p.Started.IsZero() {
		t.Fatalf("pending action after the kill: %+v, want step 2 of session 0, not finished", p)
	}
	l, ok := db.(maker.ActionLister)
	if !ok {
		t.Fatalf("the journal %T lists no actions", db)
	}
	acts, err := l.Actions(ctx, j.ID())
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 3 || !acts[0].Finished || !acts[1].Finished || acts[2].Finished || acts[2].Step != 2 {
		t.Errorf("actions %+v, want steps 0 and 1 finished and step 2 started", acts)
	}
}

func testReplaySameK(t *testing.T, h Harness) {
	ctx := context.Background()
	task, _ := hanoi.New(6)
	sc := sim.DefaultConfig()
	sc.ErrorRate = 0.2
	model, err := sim.New(task, sc)
	if err != nil {
		t.Fatal(err)
	}
	db := h.Open(t)
	j, err := db.Create(ctx, maker.NewRun{Kind: "hanoi", Task: task.Name()}, maker.JournalOptions{Keep: maker.KeepNone})
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
	r, err := maker.ReplayRun(ctx, db, j.ID(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Steps != res.Summary.Steps || r.Same != r.Steps || len(r.Changed) != 0 {
		t.Errorf("replay with the run's own k: %+v", r)
	}
	// With k=1 the first vote decides: a step whose first vote lost
	// changes.
	r1, err := maker.ReplayRun(ctx, db, j.ID(), 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if r1.Steps != r.Steps || r1.Same+r1.Different+r1.Undecided != r1.Steps || len(r1.Changed) > 2 {
		t.Errorf("replay with k=1: %+v", r1)
	}
}

// batchOracle answers every prompt right and can answer several at once,
// billing each request 100 input tokens, 60 of them from a prompt cache.
type batchOracle struct{ oracle maker.Oracle }

func (m batchOracle) answer(p maker.Prompt) maker.Response {
	a, _ := m.oracle.Answer(p)
	return maker.Response{Text: a.Right, OutputTokens: 50, Finish: maker.FinishStop}
}

func (m batchOracle) Generate(_ context.Context, req maker.Request) (maker.Response, error) {
	r := m.answer(req.Prompt)
	r.InputTokens, r.CachedInputTokens = 100, 60
	return r, nil
}

func (m batchOracle) GenerateBatch(_ context.Context, req maker.Request, n int) ([]maker.Response, error) {
	out := make([]maker.Response, n)
	for i := range out {
		out[i] = m.answer(req.Prompt)
	}
	out[0].InputTokens, out[0].CachedInputTokens = 100, 60
	return out, nil
}

// testSummaryOfResumedBatchedRun stops a batched, cached run part-way, in
// one case ending the session (its summary is stored) and in the other
// closing it as a kill after a commit would (its summary is rebuilt from
// its steps), resumes it, and checks that the journal's summary of the two
// sessions counts what the uninterrupted run counts, savings included.
func testSummaryOfResumedBatchedRun(t *testing.T, h Harness) {
	ctx := context.Background()
	task, err := hanoi.New(5)
	if err != nil {
		t.Fatal(err)
	}
	model := batchOracle{oracle: task}
	cfg := maker.Config{K: 3, Batch: true, Ordered: true, Pricing: maker.Pricing{InPerMTok: 1, CachedInPerMTok: 0.5, OutPerMTok: 2}}
	full, err := maker.Run(ctx, task, model, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := full.Summary
	if want.BatchedRequests == 0 || want.InputSavedByBatch == 0 || want.SavedUSD == 0 {
		t.Fatalf("the uninterrupted run saved nothing: %+v", want)
	}
	for _, killed := range []bool{false, true} {
		db := h.Open(t)
		j, err := db.Create(ctx, maker.NewRun{Kind: "hanoi", Task: task.Name(), TotalSteps: task.Steps()}, maker.JournalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		cfg1 := cfg
		cfg1.MaxSteps = 12
		cfg1.Observers = []maker.Observer{j}
		first, err := maker.Run(ctx, task, model, cfg1)
		if err != nil {
			t.Fatal(err)
		}
		if killed {
			err = j.Close()
		} else {
			err = j.Finish(&first.Summary, maker.RunStatus(&first.Summary, nil))
		}
		if err != nil {
			t.Fatal(err)
		}
		j2, cp, err := db.Resume(ctx, j.ID(), maker.JournalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var state hanoi.State
		if err := json.Unmarshal(cp.State, &state); err != nil {
			t.Fatal(err)
		}
		cfg2 := cfg
		cfg2.Observers = []maker.Observer{j2}
		rest, err := maker.RunFrom(ctx, task, model, cfg2, maker.Checkpoint[hanoi.State]{Step: cp.Step, State: state, Prev: cp.Prev})
		if err != nil {
			t.Fatal(err)
		}
		if err := j2.Finish(&rest.Summary, maker.RunStatus(&rest.Summary, nil)); err != nil {
			t.Fatal(err)
		}
		got, err := db.Summary(ctx, j.ID())
		if err != nil {
			t.Fatal(err)
		}
		if got.BatchedRequests != want.BatchedRequests || got.InputSavedByBatch != want.InputSavedByBatch || math.Abs(got.SavedUSD-want.SavedUSD) > 1e-12 {
			t.Errorf("killed %v: saved %d batched requests, %d input tokens, $%g; the uninterrupted run %d, %d, $%g", killed,
				got.BatchedRequests, got.InputSavedByBatch, got.SavedUSD, want.BatchedRequests, want.InputSavedByBatch, want.SavedUSD)
		}
		if got.Samples != want.Samples || got.InputTokens != want.InputTokens || got.CachedInputTokens != want.CachedInputTokens ||
			got.OutputTokens != want.OutputTokens || math.Abs(got.CostUSD-want.CostUSD) > 1e-12 || !got.Success || got.Steps != want.Steps {
			t.Errorf("killed %v: summary %+v, the uninterrupted run %+v", killed, got, want)
		}
	}
}

func testStepsRange(t *testing.T, h Harness) {
	ctx := context.Background()
	db := h.Open(t)
	j, err := db.Create(ctx, maker.NewRun{Task: "t"}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for s := range 10 {
		if err := j.Observe(ctx, Record(s)); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Finish(nil, maker.StatusStopped); err != nil {
		t.Fatal(err)
	}
	var got []int
	if err := db.Steps(ctx, j.ID(), 3, 7, func(r *maker.StepRecord) error { got = append(got, r.Step); return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []int{3, 4, 5, 6}) {
		t.Errorf("steps 3 to 7: %v", got)
	}
	got = nil
	if err := db.Steps(ctx, j.ID(), 0, -1, func(r *maker.StepRecord) error {
		got = append(got, r.Step)
		if r.Step == 4 {
			return maker.ErrStopSteps
		}
		return nil
	}); err != nil {
		t.Errorf("a walk stopped by ErrStopSteps: %v", err)
	}
	if len(got) != 5 {
		t.Errorf("a walk stopped at step 4 saw %v", got)
	}
	boom := errors.New("boom")
	if err := db.Steps(ctx, j.ID(), 0, -1, func(*maker.StepRecord) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("a walk stopped by its callback's error: %v", err)
	}
}

// testInconsistent removes a committed step behind the journal's back and
// checks that the checkpoint, resume and summary all say so.
func testInconsistent(t *testing.T, h Harness) {
	if h.Exec == nil {
		t.Skip("the backend cannot be edited behind its back")
	}
	ctx := context.Background()
	db := h.Open(t)
	j, err := db.Create(ctx, maker.NewRun{Task: "t", TotalSteps: 6}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for s := range 6 {
		if err := j.Observe(ctx, Record(s)); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	h.Exec(t, db, `DELETE FROM steps WHERE step = 3 AND run = (SELECT seq FROM runs WHERE id = '`+j.ID()+`')`)
	if _, err := db.Checkpoint(ctx, j.ID()); !errors.Is(err, maker.ErrInconsistent) {
		t.Errorf("checkpoint with step 4 missing: %v", err)
	}
	if _, _, err := db.Resume(ctx, j.ID(), maker.JournalOptions{}); !errors.Is(err, maker.ErrInconsistent) {
		t.Errorf("resume with step 4 missing: %v", err)
	}
	sum, err := db.Summary(ctx, j.ID())
	if !errors.Is(err, maker.ErrInconsistent) || sum == nil || sum.Steps != 3 || sum.Success {
		t.Errorf("summary with step 4 missing: %+v, %v; want the 3-step prefix and ErrInconsistent", sum, err)
	}
}

// testNoSecrets checks that the credential the journal was opened with
// shows nowhere a user reads.
func testNoSecrets(t *testing.T, h Harness) {
	if h.Secret == "" {
		t.Skip("the backend was opened with no credential")
	}
	ctx := context.Background()
	db := h.Open(t)
	if strings.Contains(db.Location(), h.Secret) {
		t.Errorf("Location() = %q holds the password", db.Location())
	}
	j, err := db.Create(ctx, maker.NewRun{Task: "t"}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Finish(nil, maker.StatusFailed); err != nil {
		t.Fatal(err)
	}
	run, err := db.Run(ctx, j.ID())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(run)
	if strings.Contains(string(b), h.Secret) {
		t.Errorf("the run record holds the password: %s", b)
	}
	_, err = db.Run(ctx, "nope")
	if err == nil || strings.Contains(err.Error(), h.Secret) {
		t.Errorf("an error holds the password: %v", err)
	}
}
