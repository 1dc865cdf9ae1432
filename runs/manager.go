package runs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/events"
)

// ErrNotFound is returned for a run id (or prefix) the journal does not
// hold; it wraps sqlite's.
var ErrNotFound = maker.ErrNoRun

// ErrConflict is returned for an action the run's state forbids: resuming
// a run that is running or done, cancelling one that is not running.
var ErrConflict = errors.New("conflict")

// ErrDraining is returned by Start and Resume once Shutdown has begun.
var ErrDraining = errors.New("the service is shutting down")

// Options configure a [Manager].
type Options struct {
	// OnStep, when set, is called with every step any run decides, on the
	// run's goroutine (keep it cheap): metrics.
	OnStep func(run string, rec *maker.StepRecord)
	// Logger receives what happens to runs without a caller to tell:
	// recovery, runs that end in an error. Nil: slog.Default.
	Logger *slog.Logger
	// Fleet, when set, carries runs out in other processes (a fleet's
	// workers) instead of here: Start and Resume queue them, Cancel asks
	// the fleet, Recover leaves them to it, and Watch follows them through
	// the journal.
	Fleet Fleet
}

// A Fleet carries runs out in other processes, the workers of package
// fleet on a PostgreSQL journal.
type Fleet interface {
	// Enqueue journals a new run (job.Desc) as queued, or queues a
	// journaled one again (job.Resume), and returns its id. Errors about
	// the description wrap [ErrInvalid].
	Enqueue(ctx context.Context, job *Job) (string, error)
	// Cancel stops a queued or running run: it ends interrupted, to be
	// resumed later. It reports false when the run had no chunk queued or
	// running.
	Cancel(ctx context.Context, id string) (bool, error)
}

// Manager runs many journaled runs at once in this process.
type Manager struct {
	db maker.Journal
	// location is the journal's location as given, credentials and all,
	// for the jobs that open it (the journal's Location is redacted).
	location string
	// runner carries out the runs; b is it as the Manager calls it
	// (a test's stand-in where runner is nil).
	runner *Runner
	b      jobRunner
	opts   Options
	models Models
	base   context.Context
	stop   context.CancelFunc

	mu       sync.Mutex
	active   map[string]*active
	resuming map[string]bool // runs being resumed, not yet started
	wg       sync.WaitGroup
	draining atomic.Bool
}

// New opens (creating if needed) the journal at path and returns a
// Manager over it. Call [Manager.Recover] to resume the runs a dead
// process left running, and [Manager.Shutdown] to stop.
func New(ctx context.Context, path string, r *Runner, opts Options) (*Manager, error) {
	m, err := newWithRunner(ctx, path, r, opts)
	if err != nil {
		return nil, err
	}
	m.runner = r
	return m, nil
}

// jobRunner is what a Manager needs of its [Runner]: a test gives it a
// stand-in whose runs it controls.
type jobRunner interface {
	Run(ctx context.Context, job *Job) error
}

func newWithRunner(ctx context.Context, path string, b jobRunner, opts Options) (*Manager, error) {
	db, err := maker.OpenJournal(ctx, path, false)
	if err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	base, stop := context.WithCancel(context.WithoutCancel(ctx))
	return &Manager{db: db, location: path, b: b, opts: opts, base: base, stop: stop, active: map[string]*active{}, resuming: map[string]bool{}}, nil
}

// DB is the journal the Manager reads (for front ends that render
// reports and replays).
func (m *Manager) DB() maker.Journal { return m.db }

// ErrNoModelOpener is returned by [Manager.OpenModel] when the Manager has
// no [Runner] (a Manager only tests build).
var ErrNoModelOpener = errors.New("runs: the manager opens no models outside a run")

// OpenModel opens a model by name as the Manager's runs do (see
// [Runner.OpenModel]).
func (m *Manager) OpenModel(ctx context.Context, name string, oracle maker.Oracle, seed uint64, simError float64) (maker.Model, error) {
	o := m.runner
	if o == nil {
		return nil, ErrNoModelOpener
	}
	return o.OpenModel(ctx, name, oracle, seed, simError)
}

// Start starts a new run of d and returns its id once it is journaled,
// before its first step. The params are read and completed by the kind
// first (see [Spec.Prepare]), so the runner and the journal see the
// params a run keeps. An error before that (a bad spec) wraps
// [ErrInvalid] where the spec is at fault.
func (m *Manager) Start(ctx context.Context, d Spec) (string, error) {
	d, err := d.Prepare()
	if err != nil {
		return "", err
	}
	if m.opts.Fleet != nil {
		if m.draining.Load() {
			return "", ErrDraining
		}
		return m.opts.Fleet.Enqueue(ctx, &Job{Desc: &d, DB: m.location})
	}
	return m.launch(ctx, &Job{Desc: &d})
}

// Resume continues a journaled run that is not running or done from its
// last committed step, and returns its id.
func (m *Manager) Resume(ctx context.Context, id string) (string, error) {
	return m.ResumeWith(ctx, id, nil)
}

// ResumeWith is [Manager.Resume] with budget caps that replace the run's
// (nil: the run keeps its own). The caps are the whole run's: a run
// stopped by one stops again at once unless it is raised.
func (m *Manager) ResumeWith(ctx context.Context, id string, caps *Caps) (string, error) {
	if err := caps.Check(); err != nil {
		return "", invalid{err}
	}
	run, err := m.db.Run(ctx, id)
	if err != nil {
		return "", err
	}
	if run.Status == maker.StatusDone {
		return "", fmt.Errorf("run %s is done: nothing to resume: %w", run.ID, ErrConflict)
	}
	if m.opts.Fleet != nil {
		if run.Status == maker.StatusQueued {
			return "", fmt.Errorf("run %s is queued already: %w", run.ID, ErrConflict)
		}
		if m.draining.Load() {
			return "", ErrDraining
		}
		if caps.Given() {
			return "", invalid{fmt.Errorf("run %s is worked by the fleet, whose queue keeps no new caps: resume it with the caps it has", run.ID)}
		}
		return m.opts.Fleet.Enqueue(ctx, &Job{Resume: run.ID, DB: m.location})
	}
	return m.resume(ctx, run.ID, caps)
}

// resume launches the resumption of run id unless this process is already
// running or resuming it.
func (m *Manager) resume(ctx context.Context, id string, caps *Caps) (string, error) {
	m.mu.Lock()
	if m.active[id] != nil || m.resuming[id] {
		m.mu.Unlock()
		return "", fmt.Errorf("run %s is running: %w", id, ErrConflict)
	}
	m.resuming[id] = true
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.resuming, id)
		m.mu.Unlock()
	}()
	return m.launch(ctx, &Job{Resume: id, Caps: caps})
}

// Cancel stops a running run: its in-flight samples are cancelled, its
// decided steps committed, and it ends "interrupted" (resume it later).
// Cancel returns once the run has stopped, or when ctx ends.
func (m *Manager) Cancel(ctx context.Context, id string) error {
	run, err := m.db.Run(ctx, id)
	if err != nil {
		return err
	}
	a := m.running(run.ID)
	if a == nil && m.opts.Fleet != nil {
		return m.cancelFleet(ctx, run)
	}
	// A run whose end is journaled is over, even while its goroutine
	// here is still winding down.
	if a == nil || run.Status != maker.StatusRunning && run.Status != maker.StatusWaiting {
		return fmt.Errorf("run %s is not running here (%s): %w", run.ID, run.Status, ErrConflict)
	}
	a.cancel()
	select {
	case <-a.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// cancelFleet asks the fleet to stop a run and waits until the journal
// says it has stopped, or ctx ends.
func (m *Manager) cancelFleet(ctx context.Context, run *maker.RunRecord) error {
	ok, err := m.opts.Fleet.Cancel(ctx, run.ID)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("run %s is not queued or running (%s): %w", run.ID, run.Status, ErrConflict)
	}
	for {
		r, err := m.db.Run(ctx, run.ID)
		if err != nil {
			return err
		}
		if !fleetOpen(r.Status) {
			return nil
		}
		select {
		case <-time.After(fleetPoll):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// fleetPoll is how often a run in a fleet is looked at in the journal.
const fleetPoll = 250 * time.Millisecond

// fleetOpen reports whether a run of a fleet may still decide steps.
func fleetOpen(status string) bool {
	return status == maker.StatusRunning || status == maker.StatusQueued
}

// Wait blocks until run id is not running in this process (at once for a
// run that is not) and returns how its last session here ended (nil for a
// run that was not running here).
func (m *Manager) Wait(ctx context.Context, id string) error {
	a := m.running(id)
	if a == nil {
		return nil
	}
	select {
	case <-a.done:
		return a.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Recover resumes every run the journal holds as running (or waiting for a
// person) that no process is running: runs a killed (or drained) service
// or command left behind.
// A run that cannot be resumed (its kind has no opener, another live
// process holds it) is logged and skipped. It returns the ids resumed.
func (m *Manager) Recover(ctx context.Context) ([]string, error) {
	if m.opts.Fleet != nil {
		return nil, nil // the fleet's queue rescues its own runs
	}
	// The running runs, a page at a time through the journal's status
	// index: a journal of many finished runs is not read.
	// A run that waited for a person's decision waits again.
	var all []*maker.RunRecord
	for _, status := range []string{maker.StatusRunning, maker.StatusWaiting} {
		for q := (maker.RunQuery{Status: status, Limit: maker.MaxRunLimit}); ; {
			p, err := maker.ListRuns(ctx, m.db, q)
			if err != nil {
				return nil, err
			}
			all = append(all, p.Runs...)
			if p.Next == "" {
				break
			}
			q.After = p.Next
		}
	}
	var ids []string
	for _, r := range all {
		if m.running(r.ID) != nil {
			continue
		}
		if _, err := m.resume(ctx, r.ID, nil); err != nil {
			m.opts.Logger.Warn("run not recovered", "run", r.ID, "err", err)
			continue
		}
		m.opts.Logger.Info("run recovered", "run", r.ID, "after_step", r.Steps)
		ids = append(ids, r.ID)
	}
	return ids, nil
}

// Shutdown drains: no run starts any more, every running run is stopped
// (in-flight samples cancelled, decided steps committed) without recording
// an end, so that it stays running in the journal and [Manager.Recover]
// resumes it when the service starts again. It returns when every run has
// stopped or ctx ends, and closes the journal.
func (m *Manager) Shutdown(ctx context.Context) error {
	m.draining.Store(true)
	m.stop()
	done := make(chan struct{})
	go func() { m.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	return m.db.Close()
}

// Running is the ids of the runs running in this process.
func (m *Manager) Running() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := make([]string, 0, len(m.active))
	for id := range m.active {
		ids = append(ids, id)
	}
	return ids
}

func (m *Manager) running(id string) *active {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.active[id]
}

// launch runs job on its own goroutine and returns the run's id once the
// runner has journaled it, or the runner's error if it fails before.
func (m *Manager) launch(ctx context.Context, job *Job) (string, error) {
	if m.draining.Load() {
		return "", ErrDraining
	}
	runCtx, cancel := context.WithCancel(m.base)
	a := &active{cancel: cancel, done: make(chan struct{}), wake: make(chan struct{}), started: time.Now(), caps: job.Caps}
	started := make(chan string, 1)
	failed := make(chan error, 1)
	var once sync.Once
	job.DB = m.location
	job.Models = &m.models
	job.Draining = m.draining.Load
	job.observer = a
	job.started = func(id string) {
		once.Do(func() {
			a.id = id
			a.onStep = m.opts.OnStep
			m.mu.Lock()
			m.active[id] = a
			m.mu.Unlock()
			started <- id
		})
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		defer cancel()
		err := m.b.Run(runCtx, job)
		a.err = err
		m.mu.Lock()
		registered := m.active[a.id] == a
		if registered {
			delete(m.active, a.id)
		}
		m.mu.Unlock()
		close(a.done)
		if !registered {
			if err == nil {
				err = errors.New("the run ended before it was journaled")
			}
			failed <- err
			return
		}
		if err != nil && runCtx.Err() == nil {
			m.opts.Logger.Info("run ended", "run", a.id, "err", err)
		}
	}()
	select {
	case id := <-started:
		return id, nil
	case err := <-failed:
		return "", err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// active is a run in progress in this process: how to stop it, and the
// steps it decided lately, for watchers.
type active struct {
	id      string
	cancel  context.CancelFunc
	done    chan struct{}
	err     error
	started time.Time
	onStep  func(string, *maker.StepRecord)
	// caps are the budget caps the session was resumed with, if any.
	caps *Caps

	mu sync.Mutex
	// tail holds the latest decided steps, tail[0] being step first (0-based):
	// enough to cover the steps the journal has not committed yet.
	tail  []events.Event
	first int
	// steps is the number of steps decided in this session.
	steps int
	// live is this session's summary so far, folded from the steps it
	// decided (see Manager.Get): a live run's summary costs no journal
	// read of its steps, however long the run.
	live *maker.Summary
	// wake is closed and replaced at every step.
	wake chan struct{}
}

// Bounds of an active run's tail. The journal commits every 512 steps and
// makes the engine wait when it falls 4,096 steps behind, so the steps not
// yet committed are always among the last tailKeep.
const (
	tailKeep = 6000
	tailMax  = 2 * tailKeep
)

// Observe implements [maker.Observer].
func (a *active) Observe(_ context.Context, rec *maker.StepRecord) error {
	ev := events.FromRecord(rec)
	ev.Time, ev.Run = time.Now().UTC(), a.id
	a.mu.Lock()
	if len(a.tail) == 0 {
		a.first = rec.Step
	}
	a.tail = append(a.tail, ev)
	if a.live == nil {
		a.live = &maker.Summary{StartStep: rec.Step, Steps: rec.Step}
	}
	a.live.AddStep(rec)
	if len(a.tail) > tailMax {
		drop := len(a.tail) - tailKeep
		a.tail = append(a.tail[:0:0], a.tail[drop:]...)
		a.first += drop
	}
	a.steps++
	close(a.wake)
	a.wake = make(chan struct{})
	a.mu.Unlock()
	if a.onStep != nil {
		a.onStep(a.id, rec)
	}
	// A run of a fast model keeps a processor busy from step to step; the
	// service's other work (answering its API, the other runs) would then
	// wait for the scheduler to preempt it, about 10 ms each time, and a
	// request waits several times. Yielding after each step makes it wait
	// one step at most, for a few hundred nanoseconds a step.
	runtime.Gosched()
	return nil
}
