package runs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/events"
)

// journalFlags choose where a run is recorded: the journal database, the
// sample texts it keeps, and a live events file.
type journalFlags struct {
	db        string
	noJournal bool
	keep      string
	events    string
	// reexecute lets a resumed run run again an action that a crash
	// interrupted (resume only).
	reexecute bool
	// local runs here a run journaled on PostgreSQL, which is otherwise
	// queued for the fleet's workers; queue names their queue.
	local bool
	queue string
}

func (j *journalFlags) register(fs *pflag.FlagSet) {
	RegisterDB(fs, &j.db)
	fs.BoolVar(&j.noJournal, "no-journal", false, "do not journal the run (it cannot be resumed, shown or replayed)")
	fs.StringVar(&j.keep, "keep-samples", "", "sample texts to journal: none, flagged (flagged and losing samples; winners by key) or all (default flagged; on resume, the run's)")
	fs.StringVar(&j.events, "events", "", "append one JSON line per decided step to this file")
	fs.BoolVar(&j.local, "local", false, "with a postgres:// --db, run here instead of queuing the run for the fleet's workers (maker worker)")
	fs.StringVar(&j.queue, "queue", DefaultQueue, "with a postgres:// --db, the queue of the fleet the run goes to")
}

// storedConfig is how runs were journaled before the run description
// (rundesc.go), and is still read: the value of every run flag, so resume
// rebuilds exactly the run that was started whatever the defaults are by
// then, and the k the run resolved (auto is planned once).
type storedConfig struct {
	K      int                 `json:"k"`
	Flags  map[string]string   `json:"flags"`
	Slices map[string][]string `json:"slices,omitempty"`
}

// Flags rebuilds the run flags of a journaled run. Flags this maker no
// longer has are an error rather than silently dropped.
func (c storedConfig) flags() (*Flags, error) {
	f := new(Flags)
	fs := pflag.NewFlagSet("journaled run", pflag.ContinueOnError)
	f.Register(fs)
	for name, v := range c.Flags {
		fl := fs.Lookup(name)
		if fl == nil {
			continue // a task's own flag (e.g. --disks): the task params hold it
		}
		if err := fs.Set(name, v); err != nil {
			return nil, fmt.Errorf("journaled flag --%s=%q: %w", name, v, err)
		}
	}
	for name, v := range c.Slices {
		if fl := fs.Lookup(name); fl != nil {
			if sv, ok := fl.Value.(pflag.SliceValue); ok {
				if err := sv.Replace(v); err != nil {
					return nil, fmt.Errorf("journaled flag --%s: %w", name, err)
				}
			}
		}
	}
	if c.K < 1 {
		return nil, fmt.Errorf("journaled k is %d", c.K)
	}
	f.k = strconv.Itoa(c.K)
	return f, nil
}

// Version is what the journal records as the maker that ran: the module
// version and, for a build from a checkout, its commit.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}

// journaling is the journal and events observers of one execution. A nil
// *journaling (no journal, no events) is valid and does nothing.
type journaling struct {
	db        maker.Journal
	journal   maker.Recorder
	eventsOut *os.File
	// eventsNew: the events file did not exist before this run, so an
	// empty one (nothing could be written, say on a full disk) is removed.
	eventsNew bool
	observers []maker.Observer
	id        string
	stderr    io.Writer
	finished  bool
}

// startJournal opens the journal of e (a new run, or the run e resumes) and
// its events file, and returns the checkpoint the run starts from.
func startJournal[S any](cmd session, e Execution[S], model maker.Model, k int) (*journaling, maker.Checkpoint[S], error) {
	ctx := cmd.Context()
	f := e.flags
	jf := f.journal
	from := maker.Checkpoint[S]{State: e.Task.Initial()}
	jr := &journaling{stderr: cmd.ErrOrStderr()}
	keep, err := jf.keepPolicy()
	if err != nil {
		return nil, from, err
	}
	// A task that resumes from a checkpoint of its own (the migration's
	// progress table) is not journaled here: the journal holds runs from
	// their first step, with no gaps.
	useDB := jf.db != "" && !jf.noJournal && e.From == nil
	if e.resume != "" && !useDB {
		return nil, from, usageErr("resume needs the journal: give --db")
	}
	if useDB {
		db, err := openJournal(ctx, jf.db)
		if err != nil {
			return nil, from, err
		}
		jr.db = db
		if e.resume == "" {
			nr, err := e.newRun(k, maker.IsSimulated(model))
			if err != nil {
				jr.close()
				return nil, from, err
			}
			j, err := db.Create(ctx, nr, maker.JournalOptions{Keep: keep})
			if err != nil {
				jr.close()
				return nil, from, err
			}
			jr.journal, jr.id = j, j.ID()
			if !f.jsonOut {
				fmt.Fprintf(jr.stderr, "run %s (journal %s)\n", jr.id, db.Location())
			}
		} else {
			opts := maker.JournalOptions{Keep: keep}
			if e.job != nil && e.job.Chunk != nil {
				opts.EndTx = e.job.Chunk.EndTx
			}
			j, cp, err := db.Resume(ctx, e.resume, opts)
			if err != nil {
				jr.close()
				return nil, from, err
			}
			jr.journal, jr.id = j, j.ID()
			if cp.State != nil {
				var s S
				if err := json.Unmarshal(cp.State, &s); err != nil {
					jr.close()
					return nil, from, fmt.Errorf("journal: run %s: state after step %d: %w", jr.id, cp.Step, err)
				}
				from = maker.Checkpoint[S]{Step: cp.Step, State: s, Prev: cp.Prev}
			}
			if !f.jsonOut {
				fmt.Fprintf(jr.stderr, "run %s resumed after step %d (session %d, journal %s)\n", jr.id, cp.Step, j.Session(), db.Location())
			}
		}
		jr.observers = append(jr.observers, jr.journal)
	}
	if jf.events != "" {
		_, statErr := os.Stat(jf.events)
		jr.eventsNew = errors.Is(statErr, fs.ErrNotExist)
		out, err := os.OpenFile(jf.events, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			jr.close()
			return nil, from, usageErr("--events: %v", err)
		}
		jr.eventsOut = out
		ew := events.New(out, jr.id, e.Task.Steps())
		ew.Model, ew.Simulated = f.model, maker.IsSimulated(model)
		jr.observers = append(jr.observers, ew)
	}
	return jr, from, nil
}

// keepPolicy is --keep-samples: "" when not given (the journal's
// default, or on resume the run's own).
func (j journalFlags) keepPolicy() (maker.Keep, error) {
	if j.keep == "" {
		return "", nil
	}
	keep, err := maker.ParseKeep(j.keep)
	if err != nil {
		return "", usageErr("--%v", err)
	}
	return keep, nil
}

// newRun is how the journal records a new run of e with margin k.
func (e Execution[S]) newRun(k int, simulated bool) (maker.NewRun, error) {
	params, err := json.Marshal(e.Params)
	if err != nil {
		return maker.NewRun{}, fmt.Errorf("journal: task params: %w", err)
	}
	config, err := json.Marshal(e.flags.describe(k))
	if err != nil {
		return maker.NewRun{}, fmt.Errorf("journal: config: %w", err)
	}
	return maker.NewRun{
		Kind: e.Kind, Task: e.Task.Name(), Params: params, Model: e.flags.model, Simulated: simulated,
		Config: config, Version: Version(), TotalSteps: e.Task.Steps(),
	}, nil
}

// finish records how the run ended, with its status (see
// [maker.RunStatus]). A journal that cannot record the end is reported; it
// fails the command only when the run itself succeeded.
func (jr *journaling) finish(sum *maker.Summary, status string) error {
	if jr == nil || jr.journal == nil || jr.finished {
		return nil
	}
	jr.finished = true
	if err := jr.journal.Finish(sum, status); err != nil {
		fmt.Fprintf(jr.stderr, "maker: journal of run %s: %v\n", jr.id, err)
		return err
	}
	return nil
}

// close releases the journal (committing what was observed if finish was
// never reached), the events file and the database.
func (jr *journaling) close() {
	if jr == nil {
		return
	}
	if jr.journal != nil && !jr.finished {
		jr.finished = true
		if err := jr.journal.Close(); err != nil {
			fmt.Fprintf(jr.stderr, "maker: journal of run %s: %v\n", jr.id, err)
		}
	}
	if jr.eventsOut != nil {
		if err := jr.eventsOut.Close(); err != nil {
			fmt.Fprintf(jr.stderr, "maker: --events: %v\n", err)
		}
		if fi, err := os.Stat(jr.eventsOut.Name()); jr.eventsNew && err == nil && fi.Size() == 0 {
			os.Remove(jr.eventsOut.Name())
		}
	}
	if jr.db != nil {
		jr.db.Close()
	}
}

// annotate adds the run id to the JSON summary.
func (jr *journaling) annotate(extra map[string]any) map[string]any {
	if jr == nil || jr.id == "" {
		return extra
	}
	if extra == nil {
		extra = map[string]any{}
	}
	extra["run_id"] = jr.id
	return extra
}

// printID ends the text summary with the run id.
func (jr *journaling) printID(cmd session, jsonOut bool) {
	if jr == nil || jr.id == "" || jsonOut {
		return
	}
	fmt.Fprintf(cmd.OutOrStdout(), "run         %s (maker show %s; maker resume %s; maker replay %s)\n", jr.id, jr.id, jr.id, jr.id)
}

// explain tells an interrupted run's end (err, with its exit code) as
// where the run stopped and how to go on from there; any other end is
// returned as it is.
func (jr *journaling) explain(sum *maker.Summary, err error) error {
	var ee *exitError
	if !errors.As(err, &ee) || ee.Code != exitInterrupted {
		return err
	}
	at := "step " + maker.Thousands(int64(sum.Steps))
	if sum.TotalSteps > 0 {
		at += " of " + maker.Thousands(int64(sum.TotalSteps))
	}
	text := fmt.Sprintf("interrupted at %s (not journaled: it cannot be resumed)", at)
	if jr != nil && jr.id != "" {
		text = fmt.Sprintf("interrupted: run %s stopped at %s; resume with maker resume %s", jr.id, at, jr.id)
	}
	return &exitError{Code: exitInterrupted, Err: &explained{Text: text, Cause: err}}
}
