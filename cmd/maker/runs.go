package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/server"
)

func newRunsCmd() *cobra.Command {
	var (
		dbPath  string
		jsonOut bool
		q       maker.RunQuery
		c       clientFlags
	)
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List journaled runs, newest first",
		Long: `List the runs in the journal, newest first, a page at a time: id, status, task,
model, steps committed and when each started and last committed. A run whose
process was killed stays "running" until it is resumed.

--status, --kind and --text (in the id, task or model, in any case) select runs;
the journal filters and pages them itself, so a page is quick however many runs
it holds. When more runs follow, the last line says how many match and gives the
command of the next page (--cursor). --limit 0 lists every run.`,
		Example: `  maker runs --status failed
  maker runs --kind hanoi --text gpt --limit 20
  maker runs --limit 0 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			all := q.Limit == 0
			if all {
				q.Limit = maker.MaxRunLimit
			}
			if _, err := q.Check(); err != nil {
				var qe *maker.RunQueryError
				if errors.As(err, &qe) {
					if qe.Field == "limit" {
						return usageErr("--limit: want 0 (every run) to %d, got %d", maker.MaxRunLimit, q.Limit)
					}
					return usageErr("--%s: %s", qe.Field, qe.Problem)
				}
				return err
			}
			list, err := runLister(cmd, dbPath, c.client())
			if err != nil {
				return err
			}
			defer list.close()
			var shown []*maker.RunRecord
			var last *maker.RunPage
			for {
				p, err := list.page(cmd.Context(), q)
				if err != nil {
					return err
				}
				shown, last = append(shown, p.Runs...), p
				if !all || p.Next == "" {
					break
				}
				q.After = p.Next
			}
			if jsonOut {
				if shown == nil {
					shown = []*maker.RunRecord{}
				}
				b, err := json.Marshal(shown)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(cmd.OutOrStdout(), string(b))
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATUS\tTASK\tMODEL\tSTEPS\tSTARTED\tUPDATED")
			for _, r := range shown {
				steps := fmt.Sprint(r.Steps)
				if r.TotalSteps > 0 {
					steps += fmt.Sprintf("/%d", r.TotalSteps)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Status, r.Task, r.Model, steps,
					r.Created.Local().Format(time.DateTime), r.Updated.Local().Format(time.DateTime))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if last.Next != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "%d of %d %s; the next page: %s\n", len(shown), last.Total, plural(last.Total, "run", "runs"), nextCommand(cmd, last.Next))
			}
			return nil
		},
	}
	registerDB(cmd.Flags(), &dbPath)
	c.register(cmd.Flags())
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print the page's runs as a JSON array")
	cmd.Flags().IntVar(&q.Limit, "limit", maker.DefaultRunLimit, fmt.Sprintf("list at most this many, up to %d (0: every run)", maker.MaxRunLimit))
	cmd.Flags().StringVar(&q.Status, "status", "", "only runs with this status: "+strings.Join(maker.RunStatuses, ", "))
	cmd.Flags().StringVar(&q.Kind, "kind", "", "only runs of this task kind, e.g. hanoi")
	cmd.Flags().StringVar(&q.Text, "text", "", "only runs whose id, task or model contains this text (in any case)")
	cmd.Flags().StringVar(&q.After, "cursor", "", "start after this run: the cursor the page before gave")
	return cmd
}

// nextCommand is the command line of the page after the run next: this
// one's, with --cursor next, and any credential in --db or --server
// redacted.
func nextCommand(cmd *cobra.Command, next string) string {
	args := []string{"maker", "runs"}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		v := f.Value.String()
		switch f.Name {
		case "cursor":
			return
		case "db":
			v = maker.RedactLocation(v)
		case "server":
			v = maker.RedactURL(v)
		}
		if f.Value.Type() == "bool" {
			args = append(args, "--"+f.Name+"="+v)
		} else {
			args = append(args, "--"+f.Name, shellWord(v))
		}
	})
	return strings.Join(append(args, "--cursor", next), " ")
}

// shellWord is s as one word of a POSIX shell's command line.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@=,+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// runList is where maker runs reads its pages: the local journal or a
// maker service.
type runList struct {
	page  func(ctx context.Context, q maker.RunQuery) (*maker.RunPage, error)
	close func()
}

// runLister lists the runs of the local journal or, with a client, of a
// maker service: the same pages either way.
func runLister(cmd *cobra.Command, dbPath string, cl *server.Client) (*runList, error) {
	if cl != nil {
		return &runList{page: func(ctx context.Context, q maker.RunQuery) (*maker.RunPage, error) {
			p, err := cl.List(ctx, q)
			if err != nil {
				return nil, clientErr(err)
			}
			out := &maker.RunPage{Runs: make([]*maker.RunRecord, 0, len(p.Runs)), Total: p.Total, Next: p.Next}
			for _, in := range p.Runs {
				out.Runs = append(out.Runs, in.RunRecord)
			}
			return out, nil
		}, close: func() {}}, nil
	}
	db, err := openDB(cmd, dbPath)
	if err != nil {
		return nil, err
	}
	return &runList{page: func(ctx context.Context, q maker.RunQuery) (*maker.RunPage, error) {
		p, err := maker.ListRuns(ctx, db, q)
		var qe *maker.RunQueryError
		if errors.As(err, &qe) {
			return nil, usageErr("--%s: %s", qe.Field, qe.Problem)
		}
		return p, err
	}, close: func() { db.Close() }}, nil
}

// Kinds implements [runs.KindLister]: the service refuses a list filtered
// by a kind this maker does not journal.
func (b runsBuilder) Kinds() []string { return kindNames() }

var _ runs.KindLister = runsBuilder{}
