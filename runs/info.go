package runs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/maker-go/maker"
)

// Info is a run as front ends show it: the journal's record, its summary
// so far and, while it runs here, its pace.
type Info struct {
	*maker.RunRecord
	// Summary is the run's summary over every session so far.
	Summary *maker.Summary `json:"summary,omitempty"`
	// Live is true while the run is running in this process.
	Live bool `json:"live"`
	// Progress is the share of the task's steps committed (0 when the
	// task's step count is unknown).
	Progress float64 `json:"progress"`
	// StepsPerSecond is the pace of the current session (0 when not live).
	StepsPerSecond float64 `json:"steps_per_second"`
	// ETASeconds is the time left at that pace (0 when unknown).
	ETASeconds float64 `json:"eta_seconds"`
	// CostUSD is the run's cost so far, over all its sessions, and
	// BudgetUSD its cost cap over all of them (0: none): the one it started
	// with, or the one a resume set last.
	CostUSD   float64 `json:"cost_usd"`
	BudgetUSD float64 `json:"budget_usd"`
	// Spent says so in words: "spent $4.3240 of $5" ("spent $4.3240"
	// without a cap).
	Spent string `json:"spent,omitempty"`
}

// Get is run id (or a unique prefix) with its summary and pace.
func (m *Manager) Get(ctx context.Context, id string) (*Info, error) {
	run, err := m.db.Run(ctx, id)
	if err != nil {
		return nil, err
	}
	return m.info(ctx, run, true)
}

func (m *Manager) info(ctx context.Context, run *maker.RunRecord, summary bool) (*Info, error) {
	in := &Info{RunRecord: shown(run)}
	if summary {
		sum, err := m.summary(ctx, run)
		if err != nil && !errors.Is(err, maker.ErrInconsistent) {
			return nil, err
		}
		in.Summary = sum
		if sum != nil {
			// What the run was charged: the provider's bill where it sent
			// one, the catalog price elsewhere, as its budget counts.
			in.CostUSD = sum.ChargedUSD()
		}
	}
	var cfg struct {
		Budget struct {
			MaxCostUSD float64 `json:"max_cost_usd"`
		} `json:"budget"`
	}
	if json.Unmarshal(run.Config, &cfg) == nil {
		in.BudgetUSD = cfg.Budget.MaxCostUSD
	}
	if in.Summary != nil {
		if b := in.Summary.Budget; b != nil {
			in.BudgetUSD = b.MaxCostUSD
		}
		if a := m.running(run.ID); a != nil && a.caps != nil && a.caps.MaxCostUSD != nil {
			in.BudgetUSD = *a.caps.MaxCostUSD // the session's, which it records when it ends
		}
		in.Spent = fmt.Sprintf("spent $%.4f", in.CostUSD)
		if in.BudgetUSD > 0 {
			in.Spent += fmt.Sprintf(" of $%g", in.BudgetUSD)
		}
	}
	steps := run.Steps
	if a := m.running(run.ID); a != nil {
		in.Live = true
		a.mu.Lock()
		n := a.steps
		if len(a.tail) > 0 {
			steps = max(steps, a.first+len(a.tail))
		}
		a.mu.Unlock()
		if el := time.Since(a.started).Seconds(); el > 0 {
			in.StepsPerSecond = float64(n) / el
		}
		if in.StepsPerSecond > 0 && run.TotalSteps > steps {
			in.ETASeconds = float64(run.TotalSteps-steps) / in.StepsPerSecond
		}
	}
	if run.TotalSteps > 0 {
		in.Progress = min(1, float64(steps)/float64(run.TotalSteps))
	}
	return in, nil
}

// summary is the run's summary over its sessions. The session a run
// live in this process is running is folded from the steps it decided, in
// memory; any other session that did not end (killed) from the journal's
// steps, as the journal's own Summary does.
func (m *Manager) summary(ctx context.Context, run *maker.RunRecord) (*maker.Summary, error) {
	a := m.running(run.ID)
	if a == nil || len(run.Sessions) == 0 {
		return m.db.Summary(ctx, run.ID)
	}
	last := run.Sessions[len(run.Sessions)-1].N
	decided := run.Steps
	sum, err := maker.SummarizeSessions(run, func(s maker.Session, part *maker.Summary) error {
		if s.N == last {
			a.mu.Lock()
			defer a.mu.Unlock()
			if a.live != nil {
				// Merge copies the counters and maps under the lock, as
				// the run's goroutine goes on adding to them.
				stop := part.StopReason
				part.Merge(a.live)
				part.StopReason = stop
				decided = max(decided, a.live.Steps)
			}
			return nil
		}
		to := -1
		for _, next := range run.Sessions {
			if next.N > s.N {
				to = next.StartStep
				break
			}
		}
		return m.db.Steps(ctx, run.ID, s.StartStep, to, func(rec *maker.StepRecord) error {
			part.AddStep(rec)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	// The live session has decided steps the journal has not committed
	// yet; its counters include them, and so does the step count.
	sum.Steps = decided
	sum.Derive()
	return sum, nil
}

// Filter selects a page of runs for [Manager.List]: a status, a task
// kind, a text in the id, task or model, and where the page starts (a
// cursor, an offset) and how long it is (0: [maker.DefaultRunLimit]). It
// is the journal's query, so that every front end pages alike.
type Filter = maker.RunQuery

// Page is a page of runs as front ends show it.
type Page struct {
	// Runs are the page's runs, newest first, without summaries.
	Runs []*Info `json:"runs"`
	// Total is how many runs match the filter in all.
	Total int `json:"total"`
	// Next is the cursor of the next page (Filter.After), "" on the last
	// page.
	Next string `json:"next,omitempty"`
}

// List is the page of runs f selects, newest first, without summaries,
// with how many match in all. The journal filters, orders and pages them
// (see [maker.ListRuns]), reading only the page's runs; the pace of the
// runs live here comes from memory. A filter the journal cannot answer (an
// unknown status, a limit out of range, a cursor naming no run) is an
// error wrapping [ErrInvalid].
func (m *Manager) List(ctx context.Context, f Filter) (*Page, error) {
	if kl := m.runner; kl != nil && f.Kind != "" {
		if kinds := kl.Kinds(); !slices.Contains(kinds, f.Kind) {
			return nil, invalid{&maker.RunQueryError{Field: "kind", Problem: fmt.Sprintf("want one of %s, got %q", strings.Join(kinds, ", "), f.Kind)}}
		}
	}
	p, err := maker.ListRuns(ctx, m.db, f)
	if errors.Is(err, maker.ErrRunQuery) {
		return nil, invalid{err}
	}
	if err != nil {
		return nil, err
	}
	out := &Page{Runs: make([]*Info, 0, len(p.Runs)), Total: p.Total, Next: p.Next}
	for _, r := range p.Runs {
		in, err := m.info(ctx, r, false)
		if err != nil {
			return nil, err
		}
		out.Runs = append(out.Runs, in)
	}
	return out, nil
}

// invalid marks an error about a caller's input as [ErrInvalid], keeping
// its text, which names the field.
type invalid struct{ error }

func (e invalid) Is(target error) bool { return target == ErrInvalid }
func (e invalid) Unwrap() error        { return e.error }
