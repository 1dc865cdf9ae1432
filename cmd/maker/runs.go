package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

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
process was killed stays "running" until it is resumed. The table fits the
terminal ($COLUMNS, else the terminal's width, else 100 columns): a long task
name or model list (an ensemble's) is cut short with an ellipsis, and in a
narrow terminal STARTED loses its seconds and UPDATED goes; --json gives them
whole.

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
			if err := writeRunTable(cmd.OutOrStdout(), shown, terminalWidth(cmd.OutOrStdout())); err != nil {
				return err
			}
			if last.Next != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "%d of %d %s; the next page: %s\n", len(shown), last.Total, plural(last.Total, "run", "runs"), nextCommand(cmd, last.Next))
			}
			return nil
		},
	}
	runs.RegisterDB(cmd.Flags(), &dbPath)
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

// runColumns is the table maker runs prints when the terminal's width is
// unknown (output to a file or a pipe), and minColumns the narrowest it
// lays the table out for.
const (
	runColumns = 100
	minColumns = 60
)

// terminalWidth is the width maker runs lays its table out for: $COLUMNS
// when it is a number, else the width of the terminal w is, else
// runColumns.
func terminalWidth(w io.Writer) int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return max(n, minColumns)
	}
	if f, ok := w.(*os.File); ok {
		if n, _, err := term.GetSize(int(f.Fd())); err == nil && n > 0 {
			return max(n, minColumns)
		}
	}
	return runColumns
}

// writeRunTable writes the runs as maker runs' table, width columns wide at
// most: the task and model columns share what the others leave, and a name
// longer than its share ends in an ellipsis, so that one ensemble's model
// list does not widen every row. Where they would share fewer than
// roomyNames columns, STARTED loses its seconds and then UPDATED goes.
func writeRunTable(w io.Writer, shown []*maker.RunRecord, width int) error {
	const (
		gap         = 2
		task, model = 2, 3
		roomyNames  = 30
	)
	table := func(startedLayout string, updated bool) [][]string {
		header := []string{"ID", "STATUS", "TASK", "MODEL", "STEPS", "STARTED", "UPDATED"}
		if !updated {
			header = header[:6]
		}
		rows := [][]string{header}
		for _, r := range shown {
			steps := fmt.Sprint(r.Steps)
			if r.TotalSteps > 0 {
				steps += fmt.Sprintf("/%d", r.TotalSteps)
			}
			started, upd := r.Created.Local(), r.Updated.Local()
			row := []string{r.ID, r.Status, r.Task, r.Model, steps, started.Format(startedLayout)}
			if updated {
				u := upd.Format(time.DateTime)
				if upd.Format(time.DateOnly) == started.Format(time.DateOnly) {
					u = upd.Format(time.TimeOnly) // the same day as it started
				}
				row = append(row, u)
			}
			rows = append(rows, row)
		}
		return rows
	}
	// layout is the columns' widths and what is left for task and model.
	layout := func(rows [][]string) ([]int, int) {
		widths := make([]int, len(rows[0]))
		for _, row := range rows {
			for i, c := range row {
				widths[i] = max(widths[i], utf8.RuneCountInString(c))
			}
		}
		left := width - gap*(len(widths)-1)
		for i, n := range widths {
			if i != task && i != model {
				left -= n
			}
		}
		return widths, left
	}
	rows := table(time.DateTime, true)
	widths, left := layout(rows)
	for _, less := range []struct {
		started string
		updated bool
	}{{"2006-01-02 15:04", true}, {"2006-01-02 15:04", false}} {
		if left >= roomyNames || widths[task]+widths[model] <= left {
			break
		}
		rows = table(less.started, less.updated)
		widths, left = layout(rows)
	}
	// Each of task and model keeps its width when both fit, else the
	// narrower keeps its width up to half and the other takes the rest.
	left = max(left, 2*utf8.RuneCountInString("TASK…"))
	if widths[task]+widths[model] > left {
		small, big := task, model
		if widths[model] < widths[task] {
			small, big = model, task
		}
		widths[small] = min(widths[small], left/2)
		widths[big] = left - widths[small]
	}
	var b strings.Builder
	for _, row := range rows {
		b.Reset()
		for i, c := range row {
			c = ellipsize(c, widths[i])
			b.WriteString(c)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+gap))
			}
		}
		if _, err := fmt.Fprintln(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

// ellipsize is s cut to n runes, its last one an ellipsis when it was
// longer.
func ellipsize(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	return string([]rune(s)[:n-1]) + "…"
}
