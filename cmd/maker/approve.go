package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
)

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
	runs.RegisterDB(fs, &d.db)
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
			return usageErr("no journal database: give --db, set $%s, or give --server", runs.DBEnv)
		}
		db, err := maker.OpenJournal(ctx, d.db, false)
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
			runs.WriteCandidates(w, p.DecisionRequest)
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
