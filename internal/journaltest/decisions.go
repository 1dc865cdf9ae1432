package journaltest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

// Decisions holds a backend's [maker.DecisionJournal] to its contract: a
// question marks its run waiting and is listed as open; a second handle on
// the same database (another process, as far as the journal knows) answers
// it and the waiting [maker.JournalApprover] returns that answer; asking
// the same question again (a resumed run) finds it with its answer; a
// timeout gives the default answer; answers that do not fit are refused.
// open opens the same database each time it is called.
func Decisions(t *testing.T, open func(t *testing.T) maker.Journal) {
	ctx := context.Background()
	db := open(t)
	dj, ok := db.(maker.DecisionJournal)
	if !ok {
		t.Fatalf("%T is not a maker.DecisionJournal", db)
	}
	rec, err := db.Create(ctx, maker.NewRun{Kind: "test", Task: "t"}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	id := rec.ID()
	status := func(j maker.Journal) string {
		t.Helper()
		r, err := j.Run(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return r.Status
	}

	other := open(t).(maker.DecisionJournal)
	if _, err := other.Answer(ctx, id, 0, maker.Verdict{Approved: true}); !errors.Is(err, maker.ErrNoDecision) {
		t.Fatalf("answer with nothing pending: %v, want ErrNoDecision", err)
	}

	req := maker.DecisionRequest{Kind: maker.DecisionApprove, Step: 3, Action: "deploy web", State: []byte(`{"v":2}`)}
	type result struct {
		v   maker.Verdict
		err error
	}
	got := make(chan result, 1)
	appr := &maker.JournalApprover{Journal: dj, Run: id[:4], Poll: 20 * time.Millisecond}
	go func() {
		v, err := appr.Decide(ctx, req)
		got <- result{v, err}
	}()
	// The question is journaled and the run waits: read from the other
	// handle, as maker runs and maker approve would.
	var open1 []*maker.PendingDecision
	for deadline := time.Now().Add(30 * time.Second); ; {
		if open1, err = other.Decisions(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if len(open1) == 1 && status(other.(maker.Journal)) == maker.StatusWaiting {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no waiting run with its question: %d open, status %s", len(open1), status(other.(maker.Journal)))
		}
		time.Sleep(5 * time.Millisecond)
	}
	if d := open1[0]; d.Run != id || d.Step != 3 || d.Action != "deploy web" || string(d.State) != `{"v":2}` || !d.Open() || d.Asked.IsZero() {
		t.Fatalf("open question %+v", d)
	}
	if _, err := other.Answer(ctx, id, 3, maker.Verdict{Approved: true, Pick: 1}); !errors.Is(err, maker.ErrBadVerdict) {
		t.Fatalf("a pick for an approval: %v, want ErrBadVerdict", err)
	}
	if _, err := other.Answer(ctx, id, 4, maker.Verdict{Approved: true}); !errors.Is(err, maker.ErrNoDecision) {
		t.Fatalf("answer at another step: %v, want ErrNoDecision", err)
	}
	ans, err := other.Answer(ctx, id, 0, maker.Verdict{Approved: true, By: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Answer == nil || ans.Answer.At.IsZero() || ans.Step != 3 {
		t.Fatalf("answered %+v", ans)
	}
	r := <-got
	if r.err != nil || !r.v.Approved || r.v.By != "ann" {
		t.Fatalf("approver returned %+v, %v", r.v, r.err)
	}
	if s := status(db); s != maker.StatusRunning {
		t.Fatalf("status after the answer %s, want running", s)
	}
	if open2, err := dj.Decisions(ctx, ""); err != nil || len(open2) != 0 {
		t.Fatalf("open after the answer: %d, %v", len(open2), err)
	}

	// Asked again, as a resumed run does: the answer is there already.
	v, err := (&maker.JournalApprover{Journal: dj, Run: id}).Decide(ctx, req)
	if err != nil || !v.Approved || v.By != "ann" {
		t.Fatalf("asked again: %+v, %v", v, err)
	}

	// A timeout answers with its default, and the deadline is the first
	// one journaled.
	tr := maker.DecisionRequest{Kind: maker.DecisionAsk, Step: 4, Candidates: []maker.DecisionCandidate{{Votes: 2, Key: "a", Text: "a"}}}
	v, err = (&maker.JournalApprover{Journal: dj, Run: id, Timeout: 50 * time.Millisecond, Default: maker.AnswerReject}).Decide(ctx, tr)
	if err != nil || v.Approved || !v.TimedOut || v.By != "timeout" {
		t.Fatalf("timed out: %+v, %v", v, err)
	}
	all, err := dj.Decisions(ctx, id)
	if err != nil || len(all) != 2 || all[1].Answer == nil || !all[1].Answer.TimedOut || all[1].Deadline.IsZero() || all[1].Default != maker.AnswerReject {
		t.Fatalf("the run's decisions: %v; %+v", err, all)
	}

	// A waiter stops with its context, and the question stays open.
	cctx, cancel := context.WithCancel(ctx)
	go func() {
		for {
			if ds, _ := other.Decisions(ctx, id); len(ds) == 3 {
				cancel()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	if _, err := (&maker.JournalApprover{Journal: dj, Run: id}).Decide(cctx, maker.DecisionRequest{Kind: maker.DecisionApprove, Step: 5}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", err)
	}
	if s := status(db); s != maker.StatusWaiting {
		t.Fatalf("status of a run whose waiter stopped %s, want waiting", s)
	}

	// The run resumed, voted step 5 again and decided another action: the
	// open question about the old one is superseded, and the new one asked
	// as the next attempt, answered here by its pick-free approval.
	go func() {
		for {
			ds, _ := other.Decisions(ctx, "")
			if len(ds) == 1 && ds[0].Attempt == 1 {
				if _, err := other.Answer(ctx, id, 5, maker.Verdict{Approved: true, By: "bo"}); err != nil {
					t.Error(err)
				}
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	v, err = (&maker.JournalApprover{Journal: dj, Run: id, Poll: 20 * time.Millisecond}).Decide(ctx, maker.DecisionRequest{Kind: maker.DecisionApprove, Step: 5, Action: "other"})
	if err != nil || !v.Approved || v.By != "bo" {
		t.Fatalf("the new question: %+v, %v", v, err)
	}
	all, err = dj.Decisions(ctx, id)
	if err != nil || len(all) != 4 || all[2].Answer == nil || all[2].Answer.Approved || all[2].Answer.By != "maker" || all[3].Action != "other" {
		t.Fatalf("after a superseded question: %v; %d decisions", err, len(all))
	}
}
