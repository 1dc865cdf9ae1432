package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
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
func (e execution[S]) planApproval() (approvalPlan, error) {
	f := e.flags
	a := f.approval
	if t, ok := e.task.(interface {
		Approval() (bool, time.Duration, string)
	}); ok && !a.on {
		a.on, a.timeout, a.deflt = t.Approval()
	}
	policy := f.onNoConsensus
	if t, ok := e.task.(interface{ OnNoConsensus() string }); ok && policy == "" {
		policy = t.OnNoConsensus()
	}
	p := approvalPlan{actions: a.on, ask: policy == maker.OnNoConsensusAsk, timeout: a.timeout}
	if !p.actions && !p.ask {
		return p, nil
	}
	if _, acts := e.task.(maker.Executor[S]); p.actions && !acts {
		return p, usageErr("--approve: task %s carries out no actions to approve", e.task.Name())
	}
	if jf := f.journal; jf.db == "" || jf.noJournal || e.from != nil {
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
func (e execution[S]) useApproval(stderr io.Writer, p approvalPlan, jr *journaling, cfg *maker.Config) error {
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
		writeCandidates(a.out, req)
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

// writeCandidates lists a question's candidates, numbered for --pick.
func writeCandidates(w io.Writer, req maker.DecisionRequest) {
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
		fmt.Fprintf(w, "  %d. %s (%s)\n", i+1, oneLine(action, c.Text), plural2(c.Votes, "vote", "votes"))
	}
}

func plural2(n int, one, many string) string { return fmt.Sprintf("%d %s", n, plural(n, one, many)) }

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

// decideFlags are the flags of maker approve and maker reject.
type decideFlags struct {
	c       clientFlags
	db      string
	step    int
	pick    int
	answer  string
	reason  string
	by      string
	jsonOut bool
}

func (d *decideFlags) register(fs *pflag.FlagSet, approve bool) {
	registerDB(fs, &d.db)
	d.c.register(fs)
	fs.IntVar(&d.step, "step", 0, "the step whose decision is answered (default: the run's only pending one)")
	if approve {
		fs.IntVar(&d.pick, "pick", 0, "for a step without consensus: the candidate to take, by its number in the list")
		fs.StringVar(&d.answer, "answer", "", "for a step without consensus: the answer to take, in the task's answer format")
		fs.StringVar(&d.reason, "reason", "", "why (journaled with the answer)")
	} else {
		fs.StringVar(&d.reason, "reason", "", "why the run is rejected (required; journaled with the answer)")
	}
	fs.StringVar(&d.by, "by", "", "who answers (default: the user name)")
	fs.BoolVar(&d.jsonOut, "json", false, "print the answered decision (or the pending ones) as JSON")
}

// who is the name journaled with an answer: --by, else the user's.
func (d *decideFlags) who() string {
	if d.by != "" {
		return d.by
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "cli"
}

func newApproveCmd() *cobra.Command {
	var d decideFlags
	cmd := &cobra.Command{
		Use:   "approve [RUN] [--step N] [--pick N | --answer TEXT] [--db PATH | --server URL]",
		Short: "Approve a waiting run's action, or answer its step without consensus; with no RUN, list what waits",
		Long: `A run whose actions wait for approval (execute.approve: true in a task file, --approve on
the acting scenarios) or whose steps without consensus are put to a person
(--on-no-consensus ask) waits in status waiting until someone answers. approve lets it
carry out the action shown, or (no consensus) takes the candidate --pick names or the
answer --answer gives. The answer goes to the journal (--db, the run's process sees it
within a moment, even after a restart) or to a service (--server). With no RUN it lists
the decisions that wait. Reject with maker reject.`,
		Example: `  maker approve
  maker approve 3f9a2c1b
  maker approve 3f9a2c1b --pick 2
  maker approve 3f9a2c1b --server http://127.0.0.1:7777`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				if d.pick != 0 || d.answer != "" || d.step != 0 || d.reason != "" {
					return usageErr("approve: name the RUN to answer")
				}
				return d.list(cmd)
			}
			if d.pick < 0 {
				return usageErr("--pick is a candidate's number, 1 or more; got %d", d.pick)
			}
			return d.decide(cmd, args[0], true)
		},
	}
	d.register(cmd.Flags(), true)
	return cmd
}

func newRejectCmd() *cobra.Command {
	var d decideFlags
	cmd := &cobra.Command{
		Use:   "reject RUN --reason TEXT [--step N] [--db PATH | --server URL]",
		Short: "Reject a waiting run's action (or its step without consensus): the run stops, failed",
		Long: `reject answers a waiting run's decision with no: the action is not carried out (or
the step without consensus is not decided), and the run stops, failed, with the reason
journaled beside who rejected it and when.`,
		Example: `  maker reject 3f9a2c1b --reason "not during the release freeze"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(d.reason) == "" {
				return usageErr("reject: --reason is required: say why the run is rejected")
			}
			return d.decide(cmd, args[0], false)
		},
	}
	d.register(cmd.Flags(), false)
	return cmd
}

// decide answers run's pending decision through the service or the
// journal.
func (d *decideFlags) decide(cmd *cobra.Command, run string, approve bool) error {
	ctx := cmd.Context()
	if d.step < 0 {
		return usageErr("--step is 1-based: want 1 or more, got %d", d.step)
	}
	a := runs.Answer{Step: d.step, Pick: d.pick, Text: d.answer, Reason: d.reason, By: d.who()}
	var (
		pd  *maker.PendingDecision
		err error
	)
	if cl := d.c.client(); cl != nil {
		if pd, err = cl.Decide(ctx, run, approve, a); err != nil {
			return clientErr(err)
		}
	} else {
		if d.db == "" {
			return usageErr("no journal database: give --db, set $%s, or give --server", dbEnv)
		}
		db, err := openJournal(ctx, d.db)
		if err != nil {
			return err
		}
		defer db.Close()
		dj, ok := db.(maker.DecisionJournal)
		if !ok {
			return fmt.Errorf("journal %s keeps no decisions", db.Location())
		}
		pd, err = dj.Answer(ctx, run, d.step, maker.Verdict{Approved: approve, Pick: a.Pick, Text: a.Text, Reason: a.Reason, By: a.By})
		switch {
		case errors.Is(err, maker.ErrNoDecision), errors.Is(err, maker.ErrBadVerdict), errors.Is(err, maker.ErrNoRun):
			return usageErr("%v", err)
		case err != nil:
			return err
		}
	}
	if d.jsonOut {
		return writeJSONLine(cmd.OutOrStdout(), pd)
	}
	verb := "rejected"
	if approve {
		verb = "approved"
		if pd.Kind == maker.DecisionAsk {
			verb = "answered"
		}
	}
	what := fmt.Sprintf("action %q", pd.Action)
	if pd.Kind == maker.DecisionAsk {
		what = "no consensus"
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "run %s: step %d (%s) %s by %s\n", pd.Run, pd.Step, what, verb, pd.Answer.By)
	return err
}

// list prints the decisions that wait, oldest first.
func (d *decideFlags) list(cmd *cobra.Command) error {
	ctx := cmd.Context()
	var (
		ds  []*maker.PendingDecision
		err error
	)
	if cl := d.c.client(); cl != nil {
		if ds, err = cl.Decisions(ctx, ""); err != nil {
			return clientErr(err)
		}
	} else {
		db, err := openDB(cmd, d.db)
		if err != nil {
			return err
		}
		defer db.Close()
		dj, ok := db.(maker.DecisionJournal)
		if !ok {
			return fmt.Errorf("journal %s keeps no decisions", db.Location())
		}
		if ds, err = dj.Decisions(ctx, ""); err != nil {
			return err
		}
	}
	if d.jsonOut {
		if ds == nil {
			ds = []*maker.PendingDecision{}
		}
		return writeJSONLine(cmd.OutOrStdout(), ds)
	}
	w := cmd.OutOrStdout()
	if len(ds) == 0 {
		_, err := fmt.Fprintln(w, "no run waits for a decision")
		return err
	}
	for _, p := range ds {
		when := p.Asked.Local().Format("2006-01-02 15:04:05")
		if p.Kind == maker.DecisionApprove {
			fmt.Fprintf(w, "run %s step %d: approve %q? (asked %s)\n", p.Run, p.Step, p.Action, when)
		} else {
			fmt.Fprintf(w, "run %s step %d: no consensus, pick or answer (asked %s)\n", p.Run, p.Step, when)
			writeCandidates(w, p.DecisionRequest)
		}
		if !p.Deadline.IsZero() {
			fmt.Fprintf(w, "  %s at %s unless answered\n", p.Default, p.Deadline.Local().Format("2006-01-02 15:04:05"))
		}
	}
	return nil
}

func writeJSONLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}
