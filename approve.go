package maker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Human decisions: a person approves each action before the engine carries
// it out ([Approval.Actions]), or answers a step that voting could not
// decide ([Approval.Ask], the "ask" policy for steps without consensus).
// The engine asks an [Approver]; [JournalApprover] is the one that waits
// on a journal, so that a decision is pending in the database, survives a
// restart of the process that waits for it, and can be answered by any
// other process that opens the journal (maker approve, the service's API).
// A run waits without any model call: the samples of the step are all
// back before the question is asked.

// The kinds of a [DecisionRequest].
const (
	// DecisionApprove: may the decided action be carried out?
	DecisionApprove = "approve"
	// DecisionAsk: a step without consensus; a person picks one of its
	// candidates or writes the answer.
	DecisionAsk = "ask"
)

// The answers a [Verdict] or an approval timeout's default give.
const (
	AnswerApprove = "approve"
	AnswerReject  = "reject"
)

// Approval makes a run ask a person ([Config.Approval]).
type Approval struct {
	// Approver answers the questions. Required.
	Approver Approver
	// Actions asks before every action of a task with an [Executor]: the
	// decided action is shown, and a rejection stops the run with a
	// [*RejectedError] before the action is carried out.
	Actions bool
	// Ask asks about a step that reached MaxSamples without a candidate
	// ahead by k (after [Config.Escalate]'s model, when there is one):
	// the person picks one of the step's candidates or writes the
	// answer, which the task parses as it parses a sample. A rejection
	// stops the run. A run that asks never votes ahead ([Config.Speculate]
	// is off), since a step ahead could not be decided before the answer.
	Ask bool
}

func (a *Approval) check() error {
	if a != nil && a.Approver == nil {
		return errors.New("config: approval: no approver")
	}
	return nil
}

// actions reports whether each action waits for approval.
func (a *Approval) actions() bool { return a != nil && a.Actions }

// asks reports whether a step without consensus is put to a person.
func (a *Approval) asks() bool { return a != nil && a.Ask }

// An Approver answers the engine's questions to a person. Decide blocks
// until the question is answered, its timeout gives the default answer, or
// ctx ends (its error then). A rejection is a Verdict with Approved false,
// not an error.
type Approver interface {
	Decide(ctx context.Context, req DecisionRequest) (Verdict, error)
}

// DecisionRequest is one question to a person.
type DecisionRequest struct {
	Kind string `json:"kind"` // DecisionApprove or DecisionAsk
	Step int    `json:"step"` // 1-based
	// Action and State are the decided action and the state it leads to
	// (approve), shown so that a person sees what will be done.
	Action string          `json:"action,omitempty"`
	State  json.RawMessage `json:"state,omitempty"`
	// Prev is the action before the step.
	Prev string `json:"prev,omitempty"`
	// Candidates are the step's candidates, most votes first (ask).
	Candidates []DecisionCandidate `json:"candidates,omitempty"`
	// Attempt counts the times the question was asked again because an
	// answer could not be used (0 the first time); Note says why.
	Attempt int    `json:"attempt,omitempty"`
	Note    string `json:"note,omitempty"`
	// Deadline, when set, is when Default is taken as the answer.
	Deadline time.Time `json:"deadline,omitzero"`
	Default  string    `json:"default,omitempty"`
}

// DecisionCandidate is one answer a step's samples voted for.
type DecisionCandidate struct {
	Votes  int    `json:"votes"`
	Action string `json:"action"`
	Key    string `json:"key"`
	// Text is a sample's raw answer with this key: what a pick parses.
	Text string `json:"text"`
}

// Verdict is a person's answer.
type Verdict struct {
	// Approved: approve the action, or (ask) take Pick or Text.
	Approved bool `json:"approved"`
	// Pick is the 1-based candidate chosen (ask), 0 for none.
	Pick int `json:"pick,omitempty"`
	// Text is an answer written by the person (ask), in the task's
	// answer format.
	Text   string    `json:"text,omitempty"`
	Reason string    `json:"reason,omitempty"`
	By     string    `json:"by,omitempty"`
	At     time.Time `json:"at,omitzero"`
	// TimedOut: nobody answered before the deadline; this is the default.
	TimedOut bool `json:"timed_out,omitempty"`
}

// Check refuses a verdict that cannot answer req: a pick out of range, a
// pick or text for an approval, both a pick and a text, or an ask
// approved with neither.
func (v Verdict) Check(req DecisionRequest) error {
	switch {
	case !v.Approved:
		return nil
	case req.Kind == DecisionApprove && (v.Pick != 0 || v.Text != ""):
		return fmt.Errorf("step %d waits for an approval of its action, not a pick or an answer", req.Step)
	case req.Kind != DecisionAsk:
		return nil
	case v.Pick != 0 && v.Text != "":
		return errors.New("give a pick or an answer, not both")
	case v.Pick == 0 && v.Text == "":
		return fmt.Errorf("step %d has no consensus: pick one of its %d candidates or give an answer", req.Step, len(req.Candidates))
	case v.Pick < 0 || v.Pick > len(req.Candidates):
		return fmt.Errorf("pick %d: step %d has candidates 1 to %d", v.Pick, req.Step, len(req.Candidates))
	}
	return nil
}

// ErrRejected: a person (or an approval's default on timeout) rejected a
// step; the run stopped. The error is a [*RejectedError].
var ErrRejected = errors.New("rejected")

// RejectedError is a rejected decision.
type RejectedError struct {
	Step   int // 1-based
	Kind   string
	Action string
	Verdict
}

// Error names the step, what was rejected, by whom and why, on one line.
func (e *RejectedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "step %d: ", e.Step)
	if e.Kind == DecisionAsk {
		b.WriteString("no consensus; rejected")
	} else {
		fmt.Fprintf(&b, "action %q rejected", e.Action)
	}
	if e.TimedOut {
		b.WriteString(" (no answer before the deadline)")
	} else if e.By != "" {
		fmt.Fprintf(&b, " by %s", e.By)
	}
	if e.Reason != "" {
		fmt.Fprintf(&b, ": %s", e.Reason)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrRejected) true.
func (e *RejectedError) Unwrap() error { return ErrRejected }

// approve asks the approver whether the decided winner of step may be
// carried out, and returns a [*RejectedError] when it may not.
func (r *runner[S]) approve(ctx context.Context, step int, prev string, winner Candidate[S]) error {
	req := DecisionRequest{Kind: DecisionApprove, Step: step + 1, Action: winner.Action, Prev: prev}
	if b, err := json.Marshal(winner.State); err == nil {
		req.State = b
	}
	r.cfg.Logger.Info("waiting for an approval", "step", step+1, "action", winner.Action)
	v, err := r.cfg.Approval.Approver.Decide(ctx, req)
	if err != nil {
		return fmt.Errorf("step %d: approval: %w", step+1, err)
	}
	if !v.Approved {
		return &RejectedError{Step: step + 1, Kind: DecisionApprove, Action: winner.Action, Verdict: v}
	}
	return nil
}

// ask puts a step without consensus to a person and returns the candidate
// the answer names, parsed from its text as a sample would be. An answer
// that does not parse is asked again (the next Attempt), with the reason in
// the request's note; a rejection is a [*RejectedError].
func (r *runner[S]) ask(ctx context.Context, step int, state S, prev string, rec *StepRecord) (Candidate[S], error) {
	var zero Candidate[S]
	req := DecisionRequest{Kind: DecisionAsk, Step: step + 1, Prev: prev, Candidates: r.candidatesOf(rec)}
	for {
		r.cfg.Logger.Info("no consensus: waiting for a person's answer", "step", step+1, "candidates", len(req.Candidates))
		v, err := r.cfg.Approval.Approver.Decide(ctx, req)
		if err != nil {
			return zero, fmt.Errorf("step %d: ask: %w", step+1, err)
		}
		if !v.Approved {
			return zero, &RejectedError{Step: step + 1, Kind: DecisionAsk, Verdict: v}
		}
		text := v.Text
		if err = v.Check(req); err == nil && v.Pick > 0 {
			text = req.Candidates[v.Pick-1].Text
		}
		var c Candidate[S]
		if err == nil {
			c, err = r.task.Parse(text)
		}
		if err == nil {
			if f, why := Validate(r.sampleCtx, r.task, state, c); f != FlagNone {
				err = fmt.Errorf("%s: %s", f, why)
			}
		}
		if err == nil {
			rec.Key, rec.Action = r.task.Key(c), c.Action
			return c, nil
		}
		// A slip must not end a run that has waited for a person: the
		// question is asked again, saying what was wrong.
		r.cfg.Logger.Warn("the answer cannot be used; asking again", "step", step+1, "err", err)
		req.Attempt++
		req.Note = fmt.Sprintf("the answer by %s cannot be used: %v", orSomeone(v.By), err)
		req.Deadline, req.Default = time.Time{}, ""
	}
}

func orSomeone(by string) string {
	if by == "" {
		return "someone"
	}
	return by
}

// candidatesOf lists a step's candidates, most votes first, each with the
// text of a sample that voted for it (a candidate whose text the journal's
// policy did not keep cannot be picked, and is left out).
func (r *runner[S]) candidatesOf(rec *StepRecord) []DecisionCandidate {
	out := make([]DecisionCandidate, 0, len(rec.Tally))
	for _, kc := range rec.Tally {
		c := DecisionCandidate{Votes: kc.Votes, Key: kc.Key}
		for i := range rec.Samples {
			if s := &rec.Samples[i]; s.Voted && s.Key == kc.Key && s.Text != "" {
				c.Text = s.Text
				break
			}
		}
		if c.Text == "" {
			continue
		}
		if p, err := r.task.Parse(c.Text); err == nil {
			c.Action = p.Action
		}
		out = append(out, c)
	}
	return out
}
