package migrate

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// Task migrates one SQLite file as a [maker.Task]. It is also the
// [maker.Executor] (actions run against the file and the next state is read
// back from it), the [maker.Checker] and the simulator's [maker.Oracle].
type Task struct {
	path     string
	db       *sql.DB
	inst     Instance
	baseline Sums
	steps    int
	sys      string
	now      func() time.Time
	keep     int // backups kept; 0 keeps every one
	// id names this database file among all that Create made (see
	// [Task.ID]).
	id string
	// init is the state recorded before the first step, with the row
	// counts the first prompt shows.
	init State
}

var (
	_ maker.Task[State]     = (*Task)(nil)
	_ maker.Executor[State] = (*Task)(nil)
	_ maker.Checker[State]  = (*Task)(nil)
	_ maker.Oracle          = (*Task)(nil)
)

// DefaultKeepBackups is how many of the most recent backups a migration
// keeps on disk unless told otherwise (see [Task.KeepBackups]): the latest,
// which a rollback restores, and the one before it.
const DefaultKeepBackups = 2

// Create makes a new database file at path with the instance's content,
// records its checksums as the baseline and the initial state in the
// progress table. The file must not exist.
//
// The file is built under another name (see [CreatingPath]) and renamed
// to path only when it is complete, so a process killed while creating
// leaves no file at path that neither a new run nor a resumed one accepts:
// a new run removes the partial file and starts again.
func Create(ctx context.Context, path string, in Instance) (*Task, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("migrate: %s already exists (resume it, or remove it to start over)", path)
	}
	tmp := CreatingPath(path)
	removeDB(tmp)
	db, err := openDB(tmp)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Task, error) {
		db.Close()
		removeDB(tmp)
		return nil, fmt.Errorf("migrate: create %s: %w", path, err)
	}
	if err := populate(ctx, db, in); err != nil {
		return fail(err)
	}
	base, err := Checksums(ctx, db)
	if err != nil {
		return fail(err)
	}
	s := State{Backup: -1, Last: "none"}
	if s.Customers, s.Orders, err = counts(ctx, db); err != nil {
		return fail(err)
	}
	id, err := newID()
	if err != nil {
		return fail(err)
	}
	for _, err := range []error{putMeta(ctx, db, "instance", in), putMeta(ctx, db, "baseline", base), putMeta(ctx, db, "id", id), record(ctx, db, "", s)} {
		if err != nil {
			return fail(err)
		}
	}
	// Move everything from the write-ahead log into the file, so the
	// file alone is the database, then give it its name.
	if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fail(err)
	}
	if err := db.Close(); err != nil {
		removeDB(tmp)
		return nil, fmt.Errorf("migrate: create %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		removeDB(tmp)
		return nil, fmt.Errorf("migrate: create %s: %w", path, err)
	}
	removeDB(tmp)
	if db, err = openDB(path); err != nil {
		return nil, err
	}
	t := newTask(path, db, in, base)
	t.init, t.id = s, id
	return t, nil
}

// newID is a random name for a new database file.
func newID() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// CreatingPath is the name [Create] builds the database for path under,
// until it is complete.
func CreatingPath(path string) string { return path + ".creating" }

// removeDB removes a database file and what SQLite keeps beside it.
func removeDB(path string) {
	for _, ext := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + ext)
	}
}

// Open opens a database file that [Create] made, to resume its migration.
func Open(ctx context.Context, path string) (*Task, error) {
	if _, err := os.Stat(path); err != nil {
		if _, cerr := os.Stat(CreatingPath(path)); errors.Is(err, os.ErrNotExist) && cerr == nil {
			return nil, fmt.Errorf("migrate: %s: its creation was interrupted before the database was complete, so there is nothing to resume; run again without --resume to create it: %w", path, err)
		}
		return nil, fmt.Errorf("migrate: %w", err)
	}
	db, err := openDB(path)
	if err != nil {
		return nil, err
	}
	var in Instance
	var base Sums
	if err := getMeta(ctx, db, "instance", &in); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %s is not a database this scenario created: %w", path, err)
	}
	if err := getMeta(ctx, db, "baseline", &base); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %s: %w", path, err)
	}
	if err := in.Validate(); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %s: %w", path, err)
	}
	t := newTask(path, db, in, base)
	// A file made before files were named has no id.
	if err := getMeta(ctx, db, "id", &t.id); err != nil && !errors.Is(err, errNoMeta) {
		db.Close()
		return nil, fmt.Errorf("migrate: %s: %w", path, err)
	}
	if err := first(ctx, db, &t.init); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %s: %w", path, err)
	}
	return t, nil
}

func newTask(path string, db *sql.DB, in Instance, base Sums) *Task {
	steps, _ := Reference(in)
	return &Task{path: path, db: db, inst: in, baseline: base, steps: steps, sys: systemPrompt(in), now: time.Now, keep: DefaultKeepBackups, init: State{Backup: -1, Last: "none"}}
}

// KeepBackups sets how many of the most recent backups stay on disk: after
// each new backup, older ones beyond n are removed. The procedure only ever
// restores the latest backup, so 1 is enough for a rollback; 0 keeps every
// backup. A migration of a large file otherwise leaves a full copy of it
// before each risky migration.
func (t *Task) KeepBackups(n int) error {
	if n < 0 {
		return fmt.Errorf("migrate: backups to keep must be 0 (all) or more, got %d", n)
	}
	t.keep = n
	return nil
}

// pruneBackups removes the backups older than the t.keep most recent ones;
// positions only grow during a migration, so the most recent are those
// with the highest positions.
func (t *Task) pruneBackups() error {
	if t.keep == 0 {
		return nil
	}
	kept := 0
	for p := len(Plan); p >= 0; p-- {
		file := t.BackupPath(p)
		if _, err := os.Stat(file); err != nil {
			continue
		}
		if kept < t.keep {
			kept++
			continue
		}
		if err := os.Remove(file); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the database.
func (t *Task) Close() error { return t.db.Close() }

// Instance is what the task migrates.
func (t *Task) Instance() Instance { return t.inst }

// Baseline is the content checksums taken before the first step.
func (t *Task) Baseline() Sums { return t.baseline }

// Path is the database file.
func (t *Task) Path() string { return t.path }

// ID is a random name [Create] gave the database file: a journal that
// records it can tell its own file from another made at the same path
// ("" for a file made before files were named).
func (t *Task) ID() string { return t.id }

// Recorded returns the state the progress table recorded after step (0:
// the state before the first action) and the action that led to it, or an
// error when the table holds no such step.
func (t *Task) Recorded(ctx context.Context, step int) (State, string, error) {
	return recorded(ctx, t.db, step)
}

// BackupPath is the file a backup at position p is written to.
func (t *Task) BackupPath(p int) string { return fmt.Sprintf("%s.bak-%02d", t.path, p) }

// Checkpoint reads where the migration stands from the progress table, to
// resume it with [maker.RunFrom].
func (t *Task) Checkpoint(ctx context.Context) (maker.Checkpoint[State], error) {
	s, action, err := latest(ctx, t.db)
	if err != nil {
		return maker.Checkpoint[State]{}, err
	}
	return maker.Checkpoint[State]{Step: s.Steps, State: s, Prev: action}, nil
}

// Name implements [maker.Task].
func (t *Task) Name() string { return fmt.Sprintf("migrate-%d", t.inst.Rows) }

// Initial implements [maker.Task]: the state [Create] recorded before the
// first step.
func (t *Task) Initial() State { return t.init.Clone() }

// Steps implements [maker.Task]: the procedure's length with the
// instance's injected failure (see [Reference]).
func (t *Task) Steps() int { return t.steps }

// Done implements [maker.Task]: the data has been verified.
func (t *Task) Done(s State, _ int) bool { return s.Verified != "" }

func systemPrompt(in Instance) string {
	var b strings.Builder
	b.WriteString(`You run a database migration on a live SQLite database, one action at a time.

The plan, in order (risky: rewrites data in place; downtime: rebuilds a table, the application must be in maintenance):
`)
	for _, m := range Plan {
		fmt.Fprintf(&b, "%s %s", m.ID, m.Name)
		var tags []string
		if m.Risky {
			tags = append(tags, "risky")
		}
		if m.Downtime {
			tags = append(tags, "downtime")
		}
		if len(tags) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(tags, ", "))
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, `
The next migration is the first one in plan order that is not applied and validated.

Procedure: take the first rule that applies.
1. If a migration is awaiting validation: "validate MNN".
2. If a migration failed: restore the latest backup, "restore N" where N is the number of migrations applied when it was taken; if no backup was taken, "halt".
3. If maintenance is on and the migration is halted, or all %d migrations are applied, or the next migration is not a downtime one: "maintenance off".
4. If the migration is halted or all %d migrations are applied: "verify".
5. If the next migration is risky and the latest backup was not taken with exactly the current number of applied migrations: "backup N" with N the number applied now.
6. If the next migration is a downtime one and maintenance is off: "maintenance on".
7. Otherwise: "apply MNN" for the next migration.

Answer with the action and the state it is meant to lead to, exactly like this on their own lines:
action = apply M05
expected = applied=4 pending=M05 backup=4 maintenance=off halted=no verified=no
(applied: number of applied and validated migrations; pending: the migration awaiting validation or none; backup: the latest backup's N or none; halted and verified: yes or no.)`, len(Plan), len(Plan))
	return b.String()
}

// Hint is what the task attaches to its prompts for its oracle.
type Hint = scenario.Hint[State]

// Prompt implements [maker.Task].
func (t *Task) Prompt(s State, prev string, step int) maker.Prompt {
	shown := prev
	if shown == "" {
		shown = "none (this is the first action)"
	}
	user := fmt.Sprintf("Previous action: %s\nLast result: %s\n%s\n\nDecide the next action by the procedure.", shown, s.Last, s.report(t.inst.DowntimeBudgetMS))
	return maker.Prompt{System: t.sys, User: user, Hint: Hint{State: s, Prev: prev}}
}

// Parse implements [maker.Task].
func (t *Task) Parse(text string) (maker.Candidate[State], error) {
	a, e, err := scenario.ParseStep(text, func(s string) (string, error) {
		a, err := ParseAction(s)
		if err != nil {
			return "", err
		}
		return a.String(), nil
	}, parseExpect)
	if err != nil {
		return maker.Candidate[State]{}, err
	}
	return maker.Candidate[State]{Action: a, State: State{Expect: e}}, nil
}

// Key implements [maker.Task]: the action and the state it is meant to
// lead to. The summary is in the key because it is the agent's account of
// what the action does to the migration (a backup that would not be the
// latest, a validation that would not count); the world may still report
// otherwise, and that is data for the next step.
func (t *Task) Key(c maker.Candidate[State]) string {
	return scenario.Key(c.Action, c.State.Expect)
}

// Check implements [maker.Checker]: the decided action must be the
// procedure's, and the expectation what it is meant to lead to.
func (t *Task) Check(_ int, before State, c maker.Candidate[State]) error {
	a, err := ParseAction(c.Action)
	if err != nil {
		return err
	}
	want, ok := Next(before)
	if !ok {
		return fmt.Errorf("%q decided after the migration was verified", a)
	}
	if a != want {
		return fmt.Errorf("%s: the procedure prescribes %q", violation(before, a), want)
	}
	if exp := Intended(before, a).Summary(); c.State.Expect != exp {
		return fmt.Errorf("%q leads to %s, but the agent expected %s", a, exp, c.State.Expect)
	}
	return nil
}

// violation names the rule a wrong action breaks, for the report.
func violation(s State, a Action) string {
	n := s.next()
	switch {
	case s.Pending != "" && a.Verb != VerbValidate:
		return fmt.Sprintf("%q leaves %s unvalidated", a, s.Pending)
	case s.Failed != "" && a.Verb != VerbRestore:
		return fmt.Sprintf("%q does not roll back the failed %s", a, s.Failed)
	case a.Verb == VerbApply && n < len(Plan) && a.Arg != Plan[n].ID:
		return fmt.Sprintf("%q is out of plan order (next is %s)", a, Plan[n].ID)
	case a.Verb == VerbApply && Plan[n].Risky && s.Backup != len(s.Applied):
		return fmt.Sprintf("%q runs a risky migration without a backup", a)
	case a.Verb == VerbApply && Plan[n].Downtime && !s.Maintenance:
		return fmt.Sprintf("%q rebuilds a table outside maintenance", a)
	case s.Maintenance && a.Verb == VerbApply && !Plan[n].Downtime:
		return fmt.Sprintf("%q keeps the application in maintenance for no reason", a)
	}
	return fmt.Sprintf("%q is out of the procedure's order", a)
}

// Execute implements [maker.Executor]: the action runs against the file,
// and the state it reports is recorded in the progress table in the same
// transaction as the change where there is one, so the file never holds a
// change its progress does not know of. An action the world cannot do is
// refused and recorded as the last result.
func (t *Task) Execute(ctx context.Context, s State, w maker.Candidate[State]) (State, error) {
	a, err := ParseAction(w.Action)
	if err != nil {
		return s, err
	}
	if n, did, err := t.carriedOut(ctx, s, a); did || err != nil {
		return n, err
	}
	n := s.Clone()
	n.Steps++
	refuse := func(why string) (State, error) {
		n.Last = fmt.Sprintf("refused %q: %s", a, why)
		return n, t.finish(ctx, a, &n)
	}
	switch a.Verb {
	case VerbBackup:
		p, _ := strconv.Atoi(a.Arg)
		if p != len(s.Applied) {
			return refuse(fmt.Sprintf("%d migrations are applied, not %d", len(s.Applied), p))
		}
		file := t.BackupPath(p)
		os.Remove(file)
		began := t.now()
		if _, err := t.db.ExecContext(ctx, `VACUUM INTO ?`, file); err != nil {
			return s, fmt.Errorf("migrate: backup: %w", err)
		}
		n.Backup = p
		n.Last = fmt.Sprintf("backup %d written to %s in %d ms", p, file, t.now().Sub(began).Milliseconds())
	case VerbMaintenance:
		on := a.Arg == "on"
		if on == s.Maintenance {
			return refuse("maintenance is already " + a.Arg)
		}
		n.Maintenance = on
		if on {
			n.MaintSince = t.now().UnixMilli()
		} else {
			n.DowntimeMS += t.now().UnixMilli() - s.MaintSince
			n.MaintSince = 0
		}
		n.Last = "maintenance " + a.Arg
	case VerbApply:
		return t.apply(ctx, n, a)
	case VerbValidate:
		if a.Arg != s.Pending {
			return refuse(fmt.Sprintf("%s is not awaiting validation", a.Arg))
		}
		n.Pending = ""
		if err := t.validate(ctx, Plan[planIndex(a.Arg)]); err != nil {
			n.Failed = a.Arg
			n.Last = fmt.Sprintf("%s failed validation: %v", a.Arg, err)
		} else {
			n.Applied = append(n.Applied, a.Arg)
			n.Last = a.Arg + " validated"
		}
	case VerbRestore:
		p, _ := strconv.Atoi(a.Arg)
		if _, err := os.Stat(t.BackupPath(p)); err != nil {
			return refuse(fmt.Sprintf("there is no backup %d", p))
		}
		return t.restore(ctx, s, n, a, p)
	case VerbHalt:
		n.Halted, n.Failed, n.Pending = true, "", ""
		n.Last = "halted"
	case VerbVerify:
		n.Verified = t.verify(ctx, s)
		n.Last = "verify: " + n.Verified
	}
	if err := t.finish(ctx, a, &n); err != nil {
		return n, err
	}
	if a.Verb == VerbBackup {
		// Only once the step that names the new backup is recorded: until
		// then a resumed run may still restore the one before it.
		if err := t.pruneBackups(); err != nil {
			return n, fmt.Errorf("migrate: removing old backups: %w", err)
		}
	}
	return n, nil
}

// carriedOut returns the recorded outcome of the step after s when the
// database has already carried it out: a run resumed from a journal that
// had not recorded the step before the process stopped decides it again,
// and the database must not do it twice. The decision must be the action
// the database did, which cannot be undone; another is an error.
func (t *Task) carriedOut(ctx context.Context, s State, a Action) (State, bool, error) {
	n, did, err := recorded(ctx, t.db, s.Steps+1)
	if errors.Is(err, errNoStep) {
		return s, false, nil
	}
	if err != nil {
		return s, true, fmt.Errorf("migrate: read progress: %w", err)
	}
	if did != a.String() {
		return s, true, fmt.Errorf("migrate: step %d was decided as %q, but the database already carried out %q at that step", s.Steps+1, a, did)
	}
	return n, true, nil
}

// finish reads the row counts and records the step.
func (t *Task) finish(ctx context.Context, a Action, n *State) error {
	c, o, err := counts(ctx, t.db)
	if err != nil {
		return fmt.Errorf("migrate: count rows: %w", err)
	}
	n.Customers, n.Orders = c, o
	if err := record(ctx, t.db, a.String(), *n); err != nil {
		return fmt.Errorf("migrate: record progress: %w", err)
	}
	return nil
}

// apply runs a migration and records the step in one transaction. A
// failing statement rolls it all back and marks the migration failed.
func (t *Task) apply(ctx context.Context, n State, a Action) (State, error) {
	m := Plan[planIndex(a.Arg)]
	began := t.now()
	tx, err := t.db.BeginTx(ctx, nil)
	if err != nil {
		return n, err
	}
	defer tx.Rollback()
	stmts := slices.Clone(m.SQL)
	if m.ID == t.inst.FailAt {
		// The injected fault: the migration loses an order.
		stmts = append(stmts, `DELETE FROM orders WHERE id = (SELECT max(id) FROM orders)`)
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			tx.Rollback()
			n.Failed = m.ID
			n.Last = fmt.Sprintf("apply %s failed and was rolled back: %v", m.ID, err)
			return n, t.finish(ctx, a, &n)
		}
	}
	n.Pending = m.ID
	n.Last = fmt.Sprintf("%s applied in %d ms", m.ID, t.now().Sub(began).Milliseconds())
	if n.Customers, n.Orders, err = counts(ctx, tx); err != nil {
		return n, err
	}
	if err := record(ctx, tx, a.String(), n); err != nil {
		return n, err
	}
	return n, tx.Commit()
}

// validate runs a migration's checks and the row counts against the
// baseline: no migration may add or lose a customer or an order.
func (t *Task) validate(ctx context.Context, m Migration) error {
	for _, q := range m.Checks {
		var v int64
		if err := t.db.QueryRowContext(ctx, q).Scan(&v); err != nil {
			return fmt.Errorf("check %q: %w", q, err)
		}
		if v != 0 {
			return fmt.Errorf("check %q returned %d, want 0", q, v)
		}
	}
	c, o, err := counts(ctx, t.db)
	if err != nil {
		return err
	}
	if c != t.baseline["customers"].Rows || o != t.baseline["orders"].Rows {
		return fmt.Errorf("rows: customers %d, orders %d; want %d and %d", c, o, t.baseline["customers"].Rows, t.baseline["orders"].Rows)
	}
	return nil
}

// restore replaces the database with backup p: a copy is written beside
// it and renamed over it, so a crash leaves either file whole (at worst
// the old one at its last checkpoint, a consistent earlier step). The
// migration's own state comes back with the backup; maintenance and
// downtime, which belong to the application, carry over.
func (t *Task) restore(ctx context.Context, s, n State, a Action, p int) (State, error) {
	tmp := t.path + ".restore"
	if err := copyFile(t.BackupPath(p), tmp); err != nil {
		return s, fmt.Errorf("migrate: restore: %w", err)
	}
	if err := t.db.Close(); err != nil {
		return s, fmt.Errorf("migrate: restore: %w", err)
	}
	// Closing the last connection checkpoints the write-ahead log; what may
	// be left of it belongs to the database being replaced.
	for _, ext := range []string{"-wal", "-shm", "-journal"} {
		os.Remove(t.path + ext)
	}
	if err := os.Rename(tmp, t.path); err != nil {
		return s, fmt.Errorf("migrate: restore: %w", err)
	}
	db, err := openDB(t.path)
	if err != nil {
		return s, err
	}
	t.db = db
	back, _, err := latest(ctx, db)
	if err != nil {
		return s, fmt.Errorf("migrate: restore: backup %d: %w", p, err)
	}
	failed := s.Failed
	r := n
	r.Applied = back.Applied
	r.Pending, r.Failed, r.Halted, r.Backup = "", "", true, p
	r.Last = fmt.Sprintf("restored backup %d after %s failed; the migration is halted", p, orNone(failed))
	return r, t.finish(ctx, a, &r)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// verify compares the content with the baseline and the downtime with
// the budget.
func (t *Task) verify(ctx context.Context, s State) string {
	sums, err := Checksums(ctx, t.db)
	if err != nil {
		return "error: " + err.Error()
	}
	var problems []string
	if !sums.Equal(t.baseline) {
		problems = append(problems, fmt.Sprintf("content changed: %s, baseline %s", sums, t.baseline))
	}
	if s.DowntimeMS > t.inst.DowntimeBudgetMS {
		problems = append(problems, fmt.Sprintf("downtime %d ms over the budget of %d ms", s.DowntimeMS, t.inst.DowntimeBudgetMS))
	}
	if s.Maintenance {
		problems = append(problems, "still in maintenance")
	}
	if len(problems) > 0 {
		return strings.Join(problems, "; ")
	}
	return "intact"
}

// DB is the open database, for reports that read it.
func (t *Task) DB() *sql.DB { return t.db }
