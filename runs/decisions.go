package runs

import (
	"context"
	"errors"
	"fmt"

	"github.com/maker-go/maker"
)

// Answer is a person's answer to a run's pending decision, as the service
// and the MCP tools take it: approve (or, for a step without consensus,
// pick a candidate or write the answer), or reject with a reason.
type Answer struct {
	// Step is the 1-based step whose decision is answered (0: the run's
	// only pending one).
	Step int `json:"step,omitempty"`
	// Pick is the 1-based candidate chosen for a step without consensus.
	Pick int `json:"pick,omitempty"`
	// Text is an answer written in the task's answer format, for a step
	// without consensus.
	Text string `json:"answer,omitempty"`
	// Reason says why (required to reject).
	Reason string `json:"reason,omitempty"`
	// By names who answers.
	By string `json:"by,omitempty"`
}

// decisions is the manager's journal as a [maker.DecisionJournal].
func (m *Manager) decisions() (maker.DecisionJournal, error) {
	dj, ok := m.db.(maker.DecisionJournal)
	if !ok {
		return nil, fmt.Errorf("the journal %s keeps no decisions: %w", m.db.Location(), ErrConflict)
	}
	return dj, nil
}

// Decisions lists the decisions of run id, oldest first, or with id "" the
// pending decisions of every run.
func (m *Manager) Decisions(ctx context.Context, id string) ([]*maker.PendingDecision, error) {
	dj, err := m.decisions()
	if err != nil {
		return nil, err
	}
	ds, err := dj.Decisions(ctx, id)
	if ds == nil && err == nil {
		ds = []*maker.PendingDecision{}
	}
	return ds, err
}

// Decide answers run id's pending decision: approve it (approve true) or
// reject it. The run, waiting in this process or any other that shares the
// journal, goes on (or stops, rejected) at once. A run that waits for no
// decision is a conflict; an answer that does not fit it is invalid.
func (m *Manager) Decide(ctx context.Context, id string, approve bool, a Answer) (*maker.PendingDecision, error) {
	dj, err := m.decisions()
	if err != nil {
		return nil, err
	}
	switch {
	case a.Step < 0 || a.Pick < 0:
		return nil, invalid{errors.New("step and pick are 1-based: want 1 or more")}
	case !approve && (a.Pick != 0 || a.Text != ""):
		return nil, invalid{errors.New("a rejection takes a reason, not a pick or an answer")}
	case !approve && a.Reason == "":
		return nil, invalid{errors.New("reason: say why the run is rejected")}
	}
	by := a.By
	if by == "" {
		by = "api"
	}
	d, err := dj.Answer(ctx, id, a.Step, maker.Verdict{Approved: approve, Pick: a.Pick, Text: a.Text, Reason: a.Reason, By: by})
	switch {
	case errors.Is(err, maker.ErrNoDecision):
		return nil, fmt.Errorf("%w: %w", ErrConflict, err)
	case errors.Is(err, maker.ErrBadVerdict):
		return nil, invalid{err}
	}
	return d, err
}
