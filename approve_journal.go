package maker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"
)

// PendingDecision is a question to a person as a journal keeps it, with
// its answer once given.
type PendingDecision struct {
	Run string `json:"run"`
	DecisionRequest
	Asked time.Time `json:"asked"`
	// Answer is nil while the question is open.
	Answer *Verdict `json:"answer,omitempty"`
}

// Open reports whether the decision still waits for its answer.
func (p *PendingDecision) Open() bool { return p.Answer == nil }

// Sentinel errors of a [DecisionJournal].
var (
	// ErrNoDecision: the run has no open question (at the step given).
	ErrNoDecision = errors.New("no pending decision")
	// ErrBadVerdict: the answer does not fit the question (a pick out of
	// range, a pick for an approval, ...).
	ErrBadVerdict = errors.New("the answer does not fit the question")
)

// A DecisionJournal is a [Journal] that keeps the questions its runs ask a
// person and their answers, so that a run waits durably: the question
// outlives the process that asked it, a process that resumes the run finds
// it (and its answer, if one came meanwhile), and any process that opens
// the journal can answer it. It is an optional ability, found by a type
// assertion as [CachingJournal] is; both backends have it.
type DecisionJournal interface {
	// Ask journals req for run (a unique prefix of its id), unless the
	// same question (step, kind and attempt) is journaled already, and
	// marks the run [StatusWaiting] while the question is open. It
	// returns the question as journaled, which keeps its first deadline
	// and may carry an answer given while no process waited for it.
	Ask(ctx context.Context, run string, req DecisionRequest) (*PendingDecision, error)
	// Answer records v as the answer to the run's open question at step
	// (0: its open question, when it has exactly one) and marks the run
	// [StatusRunning] again. It fails with [ErrNoDecision] when no such
	// question is open, and with [ErrBadVerdict] when v does not fit it.
	Answer(ctx context.Context, run string, step int, v Verdict) (*PendingDecision, error)
	// Decisions lists the questions of run, oldest first, or with run ""
	// the open questions of every run.
	Decisions(ctx context.Context, run string) ([]*PendingDecision, error)
	// WaitDecision returns when a question of run may have been answered
	// (at once for an answer given through this process; a backend with
	// notifications hears other processes' too), after d, or with ctx's
	// error when ctx ends.
	WaitDecision(ctx context.Context, run string, d time.Duration) error
}

// OpenDecision returns the open question of run at step (0: its only open
// question): the one check both backends' Answer make.
func OpenDecision(ds []*PendingDecision, run string, step int) (*PendingDecision, error) {
	var open []*PendingDecision
	for _, d := range ds {
		if d.Open() && (step == 0 || d.Step == step) {
			open = append(open, d)
		}
	}
	switch {
	case len(open) == 0 && step == 0:
		return nil, fmt.Errorf("run %s waits for no decision: %w", run, ErrNoDecision)
	case len(open) == 0:
		return nil, fmt.Errorf("run %s waits for no decision at step %d: %w", run, step, ErrNoDecision)
	case len(open) > 1:
		return nil, fmt.Errorf("run %s waits for %d decisions: name the step: %w", run, len(open), ErrNoDecision)
	}
	return open[0], nil
}

// CheckVerdict checks v against the question it answers, stamping its
// time: the check both backends' Answer make.
func CheckVerdict(d *PendingDecision, v Verdict) (Verdict, error) {
	if err := v.Check(d.DecisionRequest); err != nil {
		return v, fmt.Errorf("run %s: %w: %w", d.Run, ErrBadVerdict, err)
	}
	if v.At.IsZero() {
		v.At = time.Now().UTC()
	}
	return v, nil
}

// DefaultDecisionPoll is the longest a [JournalApprover] goes without
// looking at its journal for an answer written by another process.
const DefaultDecisionPoll = 250 * time.Millisecond

// JournalApprover is the [Approver] that waits on a [DecisionJournal]: it
// journals each question for its run, marks the run waiting, and returns
// the answer when any process has written it. A run killed while it waits
// stays waiting in the journal; resumed, it asks the same question and
// finds it (answered or not) where it was. The wait makes no model call.
type JournalApprover struct {
	Journal DecisionJournal
	Run     string
	// Timeout, when set, answers a question with Default once it has been
	// open this long (the deadline is journaled with the question, so a
	// restart does not extend it).
	Timeout time.Duration
	// Default is AnswerApprove or AnswerReject (""), the answer a timeout
	// gives.
	Default string
	// Poll is the longest wait between looks at the journal (default
	// DefaultDecisionPoll).
	Poll time.Duration
}

// ParseApproveDefault reads an approval timeout's default answer:
// "approve", or "reject" (and "", its default).
func ParseApproveDefault(s string) (string, error) {
	switch s {
	case "", AnswerReject:
		return AnswerReject, nil
	case AnswerApprove:
		return AnswerApprove, nil
	}
	return "", fmt.Errorf("want approve or reject, got %q", s)
}

// Decide implements [Approver].
func (a *JournalApprover) Decide(ctx context.Context, req DecisionRequest) (Verdict, error) {
	if a.Timeout > 0 && req.Deadline.IsZero() {
		req.Deadline = time.Now().Add(a.Timeout).UTC()
		req.Default = AnswerReject
		if a.Default == AnswerApprove {
			req.Default = AnswerApprove
		}
	}
	pd, err := a.Journal.Ask(ctx, a.Run, req)
	for err == nil && req.Kind == DecisionApprove && (pd.Action != req.Action || !bytes.Equal(pd.State, req.State)) {
		// A resumed run voted the step again and decided another action
		// than the one journaled: an answer about that one cannot stand
		// for this one, which is asked anew.
		if pd.Open() {
			_, err = a.Journal.Answer(ctx, a.Run, pd.Step, Verdict{By: "maker",
				Reason: fmt.Sprintf("superseded: the step was decided again, as %q", req.Action)})
			if err != nil && !errors.Is(err, ErrNoDecision) {
				return Verdict{}, err
			}
		}
		req.Attempt = pd.Attempt + 1
		pd, err = a.Journal.Ask(ctx, a.Run, req)
	}
	if err != nil {
		return Verdict{}, err
	}
	poll := a.Poll
	if poll <= 0 {
		poll = DefaultDecisionPoll
	}
	for pd.Open() {
		wait := poll
		if !pd.Deadline.IsZero() {
			left := time.Until(pd.Deadline)
			if left <= 0 {
				v := Verdict{Approved: pd.Default == AnswerApprove, By: "timeout", TimedOut: true,
					Reason: "no answer by " + pd.Deadline.UTC().Format(time.RFC3339)}
				got, err := a.Journal.Answer(ctx, a.Run, pd.Step, v)
				if err == nil {
					return *got.Answer, nil
				}
				if !errors.Is(err, ErrNoDecision) {
					return Verdict{}, err
				}
				// Answered a moment before the deadline: read that answer.
			} else {
				wait = min(wait, left)
			}
		}
		if err := a.Journal.WaitDecision(ctx, a.Run, wait); err != nil {
			return Verdict{}, err
		}
		if pd, err = a.lookup(ctx, req); err != nil {
			return Verdict{}, err
		}
	}
	v := *pd.Answer
	if pd.Kind == DecisionAsk && v.Approved && v.Pick > 0 && v.Pick <= len(pd.Candidates) {
		// The pick names a candidate of the question as journaled, which
		// the person saw: a resumed run may have drawn other samples.
		v.Text, v.Pick = pd.Candidates[v.Pick-1].Text, 0
	}
	return v, nil
}

// lookup reads the journaled question that req asked.
func (a *JournalApprover) lookup(ctx context.Context, req DecisionRequest) (*PendingDecision, error) {
	ds, err := a.Journal.Decisions(ctx, a.Run)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.Step == req.Step && d.Kind == req.Kind && d.Attempt == req.Attempt {
			return d, nil
		}
	}
	return nil, fmt.Errorf("run %s: the decision at step %d is gone from the journal", a.Run, req.Step)
}
