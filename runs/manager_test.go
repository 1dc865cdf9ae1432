package runs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/events"
	"github.com/maker-go/maker/sqlite"
)

// stepper is a stand-in runner whose runs decide a step each time the test says
// so, journaled like a real run: it tests the Manager's bookkeeping with
// no engine in the way.
type stepper struct {
	total int
	// gate releases one step per value; closed, all of them.
	gate chan struct{}
	// batch is the journal's commit batch: large, so that steps stay
	// uncommitted and the live tail must cover them.
	batch int
}

func (s *stepper) Run(ctx context.Context, job *Job) error {
	db, err := sqlite.Open(ctx, job.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	opts := maker.JournalOptions{BatchSteps: s.batch, BatchInterval: time.Hour}
	var (
		j    maker.Recorder
		from int
	)
	if job.Resume != "" {
		jr, cp, err := db.Resume(ctx, job.Resume, opts)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		j, from = jr, cp.Step
	} else {
		if job.Desc.Kind != "steps" {
			return fmt.Errorf("%w: kind: unknown %q", ErrInvalid, job.Desc.Kind)
		}
		if j, err = db.Create(ctx, maker.NewRun{Kind: "steps", Task: "steps", Params: json.RawMessage(`{}`), Config: json.RawMessage(`{}`), TotalSteps: s.total}, opts); err != nil {
			return err
		}
	}
	job.started(j.ID())
	var sum maker.Summary
	for i := from; i < s.total; i++ {
		select {
		case <-s.gate:
		case <-ctx.Done():
			if job.Draining() {
				return errors.Join(ctx.Err(), j.Close())
			}
			return errors.Join(ctx.Err(), j.Finish(&sum, maker.StatusInterrupted))
		}
		rec := &maker.StepRecord{Step: i, K: 1, Action: fmt.Sprint(i), Key: fmt.Sprint(i), State: i, Votes: 1,
			Samples: []maker.SampleRecord{{Key: fmt.Sprint(i)}}}
		for _, o := range []maker.Observer{j, job.observer} {
			if err := o.Observe(ctx, rec); err != nil {
				return err
			}
		}
		sum.AddStep(rec)
	}
	sum.Steps, sum.TotalSteps, sum.Done, sum.Success = s.total, s.total, true, true
	return j.Finish(&sum, maker.StatusDone)
}

func newManager(t *testing.T, b jobRunner, path string) *Manager {
	t.Helper()
	m, err := newWithRunner(context.Background(), path, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown(context.Background()) })
	return m
}

// read takes n events from ch and returns their step numbers.
func read(t *testing.T, ch <-chan events.Event, n int) []int {
	t.Helper()
	var out []int
	for len(out) < n {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("stream closed after %v, want %d steps", out, n)
			}
			out = append(out, ev.Step)
		case <-time.After(10 * time.Second):
			t.Fatalf("no step after %v", out)
		}
	}
	return out
}

func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

// TestWatchIsGapFree: a watcher sees every step once, in order, whether it
// joins at the start, part way (from the journal, then the live tail) or
// after the end, and its stream ends with the run.
func TestWatchIsGapFree(t *testing.T) {
	ctx := context.Background()
	s := &stepper{total: 40, gate: make(chan struct{}), batch: 7}
	m := newManager(t, s, filepath.Join(t.TempDir(), "m.db"))
	if _, err := m.Start(ctx, Spec{Kind: "nope"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad kind: %v, want ErrInvalid", err)
	}
	id, err := m.Start(ctx, Spec{Kind: "steps"})
	if err != nil {
		t.Fatal(err)
	}
	early, err := m.Watch(ctx, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	for range 12 {
		s.gate <- struct{}{}
	}
	if got := read(t, early, 12); !slices.Equal(got, seq(1, 12)) {
		t.Fatalf("early watcher: %v", got)
	}
	// 12 decided, 7 of them committed: a late watcher reads the journal,
	// then the tail.
	late, err := m.Watch(ctx, id, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, late, 9); !slices.Equal(got, seq(4, 12)) {
		t.Fatalf("watcher after step 3: %v", got)
	}
	in, err := m.Get(ctx, id)
	if err != nil || !in.Live || in.Progress <= 0 {
		t.Fatalf("Get while running: %+v, %v", in, err)
	}
	close(s.gate)
	if err := m.Wait(ctx, id); err != nil {
		t.Fatal(err)
	}
	for name, ch := range map[string]<-chan events.Event{"early": early, "late": late} {
		got := read(t, ch, 28)
		if !slices.Equal(got, seq(13, 40)) {
			t.Errorf("%s watcher after 12: %v", name, got)
		}
		if _, open := <-ch; open {
			t.Errorf("%s watcher: the stream goes on after the run ended", name)
		}
	}
	after, err := m.Watch(ctx, id, 35)
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, after, 5); !slices.Equal(got, seq(36, 40)) {
		t.Errorf("watcher of the finished run after 35: %v", got)
	}
	if in, _ := m.Get(ctx, id); in.Status != maker.StatusDone || in.Live {
		t.Errorf("finished run: %s, live %v", in.Status, in.Live)
	}
}

// TestCancelResumeRecover: Cancel stops a run as interrupted; Resume
// continues it; a run stopped by Shutdown stays running in the journal and
// the next Manager's Recover resumes it.
func TestCancelResumeRecover(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	s := &stepper{total: 10, gate: make(chan struct{}), batch: 1}
	m, err := newWithRunner(ctx, path, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, err := m.Start(ctx, Spec{Kind: "steps"})
	if err != nil {
		t.Fatal(err)
	}
	s.gate <- struct{}{}
	s.gate <- struct{}{}
	if err := m.Cancel(ctx, id); err != nil {
		t.Fatal(err)
	}
	in, _ := m.Get(ctx, id)
	if in.Status != maker.StatusInterrupted || in.Live || in.Steps != 2 {
		t.Fatalf("cancelled: %s live %v steps %d", in.Status, in.Live, in.Steps)
	}
	if err := m.Cancel(ctx, id); !errors.Is(err, ErrConflict) {
		t.Errorf("cancel of a stopped run: %v, want ErrConflict", err)
	}
	if _, err := m.Resume(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Resume(ctx, id); !errors.Is(err, ErrConflict) {
		t.Errorf("resume of a running run: %v, want ErrConflict", err)
	}
	s.gate <- struct{}{}
	// Drain: the run stops without an end and stays running.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = m.Shutdown(ctx) }()
	wg.Wait()
	if _, err := m.Start(ctx, Spec{Kind: "steps"}); !errors.Is(err, ErrDraining) {
		t.Errorf("start while draining: %v", err)
	}
	m2 := newManager(t, s, path)
	if in, _ := m2.Get(ctx, id); in.Status != maker.StatusRunning || in.Live {
		t.Fatalf("after the drain: %s, live %v; want running in the journal, not live", in.Status, in.Live)
	}
	ids, err := m2.Recover(ctx)
	if err != nil || !slices.Equal(ids, []string{id}) {
		t.Fatalf("recover: %v %v", ids, err)
	}
	close(s.gate)
	if err := m2.Wait(ctx, id); err != nil {
		t.Fatal(err)
	}
	in, _ = m2.Get(ctx, id)
	if in.Status != maker.StatusDone || in.Steps != 10 || len(in.Sessions) != 3 {
		t.Fatalf("recovered run: %s, %d steps, %d sessions", in.Status, in.Steps, len(in.Sessions))
	}
}

// TestModelsShared: one model per key, opened once.
func TestModelsShared(t *testing.T) {
	var ms Models
	opened := 0
	open := func(context.Context) (maker.Model, error) { opened++; return nil, nil }
	for _, key := range []string{"a", "a", "b", "a"} {
		if _, err := ms.Open(context.Background(), key, open); err != nil {
			t.Fatal(err)
		}
	}
	if opened != 2 {
		t.Fatalf("opened %d models for 2 keys", opened)
	}
}

// TestLiveSummary: a live run's summary counts every step it decided,
// committed or not, from memory, and after it ends equals the journal's.
func TestLiveSummary(t *testing.T) {
	ctx := context.Background()
	s := &stepper{total: 30, gate: make(chan struct{}), batch: 7}
	m := newManager(t, s, filepath.Join(t.TempDir(), "m.db"))
	id, err := m.Start(ctx, Spec{Kind: "steps"})
	if err != nil {
		t.Fatal(err)
	}
	w, err := m.Watch(ctx, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		s.gate <- struct{}{}
	}
	read(t, w, 10)
	in, err := m.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// 10 decided, 7 committed: the summary counts the 10.
	if !in.Live || in.Summary == nil || in.Summary.Steps != 10 || in.Summary.Samples != 10 {
		t.Fatalf("live summary: live %v, %+v", in.Live, in.Summary)
	}
	if in.RunRecord.Steps >= 10 {
		t.Fatalf("the journal has committed %d steps; the test needs some uncommitted", in.RunRecord.Steps)
	}
	for range 20 {
		s.gate <- struct{}{}
	}
	if err := m.Wait(ctx, id); err != nil {
		t.Fatal(err)
	}
	in, err = m.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.DB().Summary(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if in.Summary.Steps != 30 || in.Summary.Samples != want.Samples || in.Summary.Steps != want.Steps {
		t.Fatalf("ended summary %+v, journal's %+v", in.Summary, want)
	}
}
