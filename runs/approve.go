package runs

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/maker-go/maker"
)

// approvalFlags make a task that carries out actions wait for a person's
// approval before each one (--approve), with an optional timeout and the
// answer it gives.
type approvalFlags struct {
	on      bool
	timeout time.Duration
	deflt   string
}

func (a *approvalFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&a.on, "approve", false, "wait for a person's approval before each action the task carries out (maker approve RUN, maker reject RUN --reason ...); needs the journal")
	fs.DurationVar(&a.timeout, "approve-timeout", 0, "with --approve, answer a question nobody answered within this time with --approve-default (0: wait for ever)")
	fs.StringVar(&a.deflt, "approve-default", maker.AnswerReject, "with --approve-timeout, the answer a timeout gives: approve or reject")
}

// check refuses settings that contradict each other.
func (a approvalFlags) check() error {
	if _, err := maker.ParseApproveDefault(a.deflt); err != nil {
		return usageErr("--approve-default: %v", err)
	}
	switch {
	case a.timeout < 0:
		return usageErr("--approve-timeout must not be negative, got %v", a.timeout)
	case a.timeout > 0 && !a.on:
		return usageErr("--approve-timeout applies only with --approve")
	}
	return nil
}

// approvalDescription is how the journal keeps --approve, so that a
// resumed run asks again.
type approvalDescription struct {
	Approve bool   `json:"approve"`
	Timeout string `json:"timeout,omitempty"`
	Default string `json:"default,omitempty"`
}

// describe is the journal's record of the flags, nil when they are off.
func (a approvalFlags) describe() *approvalDescription {
	if !a.on {
		return nil
	}
	d := &approvalDescription{Approve: true}
	if a.timeout > 0 {
		d.Timeout, d.Default = a.timeout.String(), a.deflt
	}
	return d
}

// flags rebuilds the flags of a journaled run.
func (d *approvalDescription) flags() (approvalFlags, error) {
	a := approvalFlags{deflt: maker.AnswerReject}
	if d == nil {
		return a, nil
	}
	a.on = d.Approve
	if d.Timeout != "" {
		t, err := time.ParseDuration(d.Timeout)
		if err != nil {
			return a, fmt.Errorf("journaled approval timeout: %w", err)
		}
		a.timeout = t
	}
	if d.Default != "" {
		a.deflt = d.Default
	}
	return a, nil
}

// approvalPlan is what a run asks a person about, and how long a
// question waits.
type approvalPlan struct {
	actions bool // before each action (--approve, execute.approve)
	ask     bool // a step without consensus (on_no_consensus ask)
	timeout time.Duration
	deflt   string
}

// planApproval reads what the run asks a person about: --approve, or the
// task file's execute.approve, and --on-no-consensus ask, or the file's
// on_no_consensus. It refuses, before anything is journaled, a task with
// no actions to approve and a run without a journal to wait in.
func (e Execution[S]) planApproval() (approvalPlan, error) {
	f := e.flags
	a := f.approval
	if t, ok := e.Task.(interface {
		Approval() (bool, time.Duration, string)
	}); ok && !a.on {
		a.on, a.timeout, a.deflt = t.Approval()
	}
	policy := f.onNoConsensus
	if t, ok := e.Task.(interface{ OnNoConsensus() string }); ok && policy == "" {
		policy = t.OnNoConsensus()
	}
	p := approvalPlan{actions: a.on, ask: policy == maker.OnNoConsensusAsk, timeout: a.timeout}
	if !p.actions && !p.ask {
		return p, nil
	}
	if _, acts := e.Task.(maker.Executor[S]); p.actions && !acts {
		return p, usageErr("--approve: task %s carries out no actions to approve", e.Task.Name())
	}
	if jf := f.journal; jf.db == "" || jf.noJournal || e.From != nil {
		what := "--approve"
		if !p.actions {
			what = "on_no_consensus ask"
		}
		return p, usageErr("%s: a run waits for a person in its journal: give --db (and not --no-journal)", what)
	}
	var err error
	if p.deflt, err = maker.ParseApproveDefault(a.deflt); err != nil {
		return p, usageErr("approve_default: %v", err)
	}
	return p, nil
}

// useApproval gives the run the approver of plan p: the questions wait in
// the run's journal, and stderr says what the run waits for.
func (e Execution[S]) useApproval(stderr io.Writer, p approvalPlan, jr *journaling, cfg *maker.Config) error {
	if !p.actions && !p.ask {
		return nil
	}
	var dj maker.DecisionJournal
	if jr != nil && jr.db != nil && jr.id != "" {
		dj, _ = jr.db.(maker.DecisionJournal)
	}
	if dj == nil {
		return usageErr("approval: the journal keeps no questions for a person")
	}
	appr := &maker.JournalApprover{Journal: dj, Run: jr.id, Timeout: p.timeout, Default: p.deflt}
	var out io.Writer = io.Discard
	if !e.flags.jsonOut {
		out = stderr
	}
	cfg.Approval = &maker.Approval{Approver: announcer{appr, out, jr.db.Location(), jr.journal.Flush}, Actions: p.actions, Ask: p.ask}
	return nil
}

// announcer says on the terminal what the run waits for, and how to
// answer it.
type announcer struct {
	maker.Approver
	out io.Writer
	db  string
	// flush commits the steps decided so far before the run waits, so
	// that the journal shows them while it waits, and a kill loses none.
	flush func(context.Context) error
}

func (a announcer) Decide(ctx context.Context, req maker.DecisionRequest) (maker.Verdict, error) {
	if err := a.flush(ctx); err != nil {
		return maker.Verdict{}, err
	}
	run := a.Approver.(*maker.JournalApprover).Run
	db := ""
	if a.db != "" {
		db = " --db " + shellQuote(maker.RedactLocation(a.db))
	}
	if req.Kind == maker.DecisionApprove {
		fmt.Fprintf(a.out, "\nrun %s waits at step %d to carry out %q: maker approve %s%s, or maker reject %s%s --reason ...\n",
			run, req.Step, req.Action, run, db, run, db)
	} else {
		fmt.Fprintf(a.out, "\nrun %s waits at step %d, which has no consensus:\n", run, req.Step)
		WriteCandidates(a.out, req)
		fmt.Fprintf(a.out, "pick one with maker approve %s%s --pick N, write one with --answer TEXT, or maker reject %s%s --reason ...\n", run, db, run, db)
	}
	return a.Approver.Decide(ctx, req)
}

// shellQuote quotes s for a shell when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// WriteCandidates lists a question's candidates, numbered for --pick.
func WriteCandidates(w io.Writer, req maker.DecisionRequest) {
	if req.Note != "" {
		fmt.Fprintf(w, "  (%s)\n", req.Note)
	}
	if len(req.Candidates) == 0 {
		fmt.Fprintln(w, "  (no sample was valid: write the answer with --answer)")
	}
	// Candidates differ in their state when their actions are the same:
	// then each is shown whole.
	seen, whole := map[string]bool{}, false
	for _, c := range req.Candidates {
		whole = whole || seen[c.Action]
		seen[c.Action] = true
	}
	for i, c := range req.Candidates {
		action := c.Action
		if whole {
			action = ""
		}
		fmt.Fprintf(w, "  %d. %s (%s)\n", i+1, oneLine(action, c.Text), Count(c.Votes, "vote", "votes"))
	}
}

// Count is n and the word for n of them, e.g. "2 votes".
func Count(n int, one, many string) string { return fmt.Sprintf("%d %s", n, plural(n, one, many)) }

// oneLine is a candidate's action, or else its text, on one short line.
func oneLine(action, text string) string {
	s := action
	if s == "" {
		s = text
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 100 {
		s = string(r[:99]) + "…"
	}
	return fmt.Sprintf("%q", s)
}
