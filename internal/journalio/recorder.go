package journalio

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/maker-go/maker"
)

// Store is what a backend gives a [Recorder]: the writes of one session.
type Store interface {
	// Commit writes a group of consecutive steps of the session in one
	// transaction, with the run's committed step count (the last step
	// + 1). The Recorder has checked that the group starts at the step
	// due.
	Commit(ctx context.Context, rows []Row) error
	// End commits the session's last steps (rows, perhaps none), records
	// how the session ended (sum may be nil) and runs the journal options'
	// EndTx, all in one transaction, then releases the run's lock.
	End(ctx context.Context, rows []Row, sum *maker.Summary, status string) error
	// Release releases the run's lock without recording an end.
	Release() error
}

// Recorder is the [maker.Recorder] of every backend: Observe encodes the
// step on the run's goroutine and hands it to a writer goroutine, which
// commits in groups (every BatchSteps steps, every BatchInterval, and on
// Flush). An error from a commit stops the run at its next step, and
// nothing after a failed commit is written, so the committed steps are
// always a gap-free prefix.
type Recorder struct {
	store   Store
	id      string
	session int
	keep    maker.Keep
	opts    maker.JournalOptions
	next    int // the step the next commit must start with (writer only)

	rows  chan Row
	flush chan chan error
	end   chan endRequest
	quit  chan struct{}
	done  chan struct{}

	mu       sync.Mutex
	err      error
	finished bool
	// last is the step last observed and its action, which the next
	// step's Prev repeats and its row leaves out.
	last       int
	lastAction string
}

var _ maker.Recorder = (*Recorder)(nil)

// NewRecorder starts the recorder of session n of run id, whose next step
// to commit is next.
func NewRecorder(store Store, id string, session, next int, keep maker.Keep, opts maker.JournalOptions) *Recorder {
	opts = opts.WithDefaults()
	r := &Recorder{
		store: store, id: id, session: session, keep: keep, opts: opts, next: next, last: -1,
		rows:  make(chan Row, 8*opts.BatchSteps), // room to run on while a commit waits on the disk
		flush: make(chan chan error),
		end:   make(chan endRequest),
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	go r.writer()
	return r
}

// ID is the run's id.
func (r *Recorder) ID() string { return r.id }

// Session is the session number: 0 for the original run.
func (r *Recorder) Session() int { return r.session }

// Observe implements [maker.Observer]: it queues the decided step for the
// next group commit. It fails once a commit has failed, which stops the run.
func (r *Recorder) Observe(ctx context.Context, rec *maker.StepRecord) error {
	r.mu.Lock()
	err, finished := r.err, r.finished
	var before *string
	if r.last >= 0 && rec.Step == r.last+1 {
		action := r.lastAction
		before = &action
	}
	r.last, r.lastAction = rec.Step, rec.Action
	r.mu.Unlock()
	if err != nil {
		return err
	}
	if finished {
		return errClosed
	}
	row, err := EncodeStep(rec, r.keep, before)
	if err != nil {
		return fmt.Errorf("journal: step %d: %w", rec.Step+1, err)
	}
	select {
	case r.rows <- row: // while there is room, even in a cancelled run
		return nil
	default:
	}
	select {
	case r.rows <- row:
		return nil
	case <-r.done:
		return r.failedOr(errClosed)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Flush commits every step observed so far and returns when it is durable.
func (r *Recorder) Flush(ctx context.Context) error {
	ack := make(chan error, 1)
	select {
	case r.flush <- ack:
	case <-r.done:
		return r.failedOr(errClosed)
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-ack:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// endTimeout bounds Finish and Close, which run after the run's context may
// be gone.
const endTimeout = 30 * time.Second

// Finish commits what is left and records how the session ended, in one
// transaction of the store, then releases the run's lock.
func (r *Recorder) Finish(sum *maker.Summary, status string) error {
	ctx, cancel := context.WithTimeout(context.Background(), endTimeout)
	defer cancel()
	if !r.stopping() {
		return nil
	}
	req := endRequest{ctx: ctx, sum: sum, status: status, ack: make(chan error, 1)}
	var err error
	select {
	case r.end <- req:
		err = <-req.ack
	case <-r.done: // the writer stopped on a failed commit
		err = r.failedOr(errClosed)
	}
	r.stop()
	if err != nil {
		r.store.Release()
		return fmt.Errorf("journal: finish: %w", err)
	}
	return nil
}

// endRequest asks the writer to end the session: its last steps and its
// end in one commit.
type endRequest struct {
	ctx    context.Context
	sum    *maker.Summary
	status string
	ack    chan error
}

// Close commits what was observed and releases the lock without recording
// an end: the run stays "running", as after a kill.
func (r *Recorder) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), endTimeout)
	defer cancel()
	if !r.stopping() {
		return nil
	}
	err := r.Flush(ctx)
	r.stop()
	if rerr := r.store.Release(); err == nil {
		err = rerr
	}
	if errors.Is(err, errClosed) {
		return nil
	}
	return err
}

// Abandon drops what is not committed yet and releases the run's lock
// without recording an end, as a killed process would: the run stays
// "running" at its last commit. It is for tests of what a kill leaves.
func (r *Recorder) Abandon() {
	if !r.stopping() {
		return
	}
	r.setErr(errAbandoned)
	r.stop()
	r.store.Release()
}

var (
	errClosed    = errors.New("journal: closed")
	errAbandoned = errors.New("journal: abandoned")
)

// stopping marks the recorder finished; it is false when it already was.
func (r *Recorder) stopping() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished {
		return false
	}
	r.finished = true
	return true
}

func (r *Recorder) stop() {
	select {
	case <-r.done:
	default:
		close(r.quit)
		<-r.done
	}
}

func (r *Recorder) failed() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

func (r *Recorder) failedOr(err error) error {
	if e := r.failed(); e != nil {
		return e
	}
	return err
}

func (r *Recorder) setErr(err error) {
	r.mu.Lock()
	if r.err == nil {
		r.err = err
	}
	r.mu.Unlock()
}

// writer owns the pending steps and commits them in groups.
func (r *Recorder) writer() {
	defer close(r.done)
	tick := time.NewTicker(r.opts.BatchInterval)
	defer tick.Stop()
	var pending []Row
	commit := func() error {
		if len(pending) == 0 {
			return nil
		}
		if err := r.failed(); err != nil {
			return err
		}
		if err := r.commit(pending); err != nil {
			err = fmt.Errorf("journal: commit steps %d-%d: %w", pending[0].Step+1, pending[len(pending)-1].Step+1, err)
			r.setErr(err)
			return err
		}
		pending = pending[:0]
		return nil
	}
	drain := func() {
		for {
			select {
			case row := <-r.rows:
				pending = append(pending, row)
			default:
				return
			}
		}
	}
	for {
		select {
		case row := <-r.rows:
			pending = append(pending, row)
			if len(pending) >= r.opts.BatchSteps {
				commit()
			}
		case <-tick.C:
			commit()
		case ack := <-r.flush:
			// Steps are queued before Flush is called, so they are in the
			// channel already.
			drain()
			ack <- commit()
		case req := <-r.end:
			drain()
			req.ack <- r.finish(req, pending)
			return
		case <-r.quit:
			drain()
			commit()
			return
		}
	}
}

// finish ends the session with its last steps (after the checks commit
// makes), unless a commit failed before.
func (r *Recorder) finish(req endRequest, rows []Row) error {
	if err := r.failed(); err != nil {
		return err
	}
	if err := r.check(rows); err != nil {
		return err
	}
	if err := r.store.End(req.ctx, rows, req.sum, req.status); err != nil {
		r.setErr(err)
		return err
	}
	return nil
}

// check says whether a group starts at the step due and is consecutive.
func (r *Recorder) check(rows []Row) error {
	for i := range rows {
		if rows[i].Step != r.next+i {
			return fmt.Errorf("step %d observed where step %d was due", rows[i].Step+1, r.next+i+1)
		}
	}
	return nil
}

// commit checks that the group starts at the step due and is consecutive,
// and hands it to the store.
func (r *Recorder) commit(rows []Row) error {
	if err := r.check(rows); err != nil {
		return err
	}
	if err := r.store.Commit(context.Background(), rows); err != nil {
		return err
	}
	r.next = rows[len(rows)-1].Step + 1
	return nil
}

// ActionStore is the optional ability of a [Store] to record the actions
// of tasks that act on the world (see [maker.ActionRecorder]).
type ActionStore interface {
	ActionStarted(ctx context.Context, step int) error
	ActionFinished(ctx context.Context, step int) error
	PendingAction(ctx context.Context, from int) (*maker.Action, error)
}

// ActionRecorder returns r as a [maker.ActionRecorder] when its store
// records actions, else nil.
func (r *Recorder) ActionRecorder() maker.ActionRecorder {
	as, ok := r.store.(ActionStore)
	if !ok {
		return nil
	}
	return actionRecorder{r, as}
}

// actionRecorder commits the steps observed before an action starts, so
// the steps before it are durable and the action's record is the only
// trace of a step that was cut short.
type actionRecorder struct {
	r  *Recorder
	as ActionStore
}

func (a actionRecorder) ActionStarted(ctx context.Context, step int) error {
	if err := a.r.Flush(ctx); err != nil {
		return err
	}
	return a.as.ActionStarted(ctx, step)
}

func (a actionRecorder) ActionFinished(ctx context.Context, step int) error {
	return a.as.ActionFinished(ctx, step)
}

func (a actionRecorder) PendingAction(ctx context.Context, from int) (*maker.Action, error) {
	return a.as.PendingAction(ctx, from)
}
