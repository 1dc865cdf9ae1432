package migrate

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/internal/scentest"
	"github.com/maker-go/maker/sim"
)

func planIDs(n int) []string {
	var ids []string
	for _, m := range Plan[:n] {
		ids = append(ids, m.ID)
	}
	return ids
}

// migrateOnce creates a database for in and migrates it with the
// simulator at the given error rate, seed and k.
func migrateOnce(t *testing.T, in Instance, errRate float64, seed uint64, k int) (*maker.Result[State], *Task, error) {
	t.Helper()
	ctx := context.Background()
	task, err := Create(ctx, filepath.Join(t.TempDir(), "shop.db"), in)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { task.Close() })
	model := scentest.SimModel(t, task, seed, errRate)
	res, runErr := maker.Run(ctx, task, model, maker.Config{K: k, Ordered: true})
	return res, task, runErr
}

func TestMigrateDefault(t *testing.T) {
	ctx := context.Background()
	in := newInstance(DefaultRows, 1)
	res, task, err := migrateOnce(t, in, sim.DefaultConfig().ErrorRate, 1, 3)
	if err != nil || !res.Summary.Success {
		t.Fatalf("run: %v (%s)", err, res.Summary.FirstWrongWhy)
	}
	if p := task.Prompt(task.Initial(), "", 0).User; !strings.Contains(p, "Rows: customers 200, orders 2800") {
		t.Errorf("the first prompt does not show the row counts:\n%s", p)
	}
	if res.State.Verified != "intact" || !slices.Equal(res.State.Applied, planIDs(len(Plan))) {
		t.Fatalf("final state %+v", res.State)
	}
	// The file itself: same content as before, the new schema, foreign keys
	// that hold, and every backup a copy of the same content.
	sums, err := FileChecksums(ctx, task.Path())
	if err != nil || !sums.Equal(task.Baseline()) {
		t.Fatalf("checksums %v (%v), baseline %v", sums, err, task.Baseline())
	}
	if sums["customers"].Rows != int64(in.Customers()) || sums["orders"].Rows != int64(in.Orders()) {
		t.Fatalf("rows %v, want %d and %d", sums, in.Customers(), in.Orders())
	}
	db := task.db
	var version, fks, fkErrs int
	db.QueryRow(`PRAGMA user_version`).Scan(&version)
	db.QueryRow(`SELECT count(*) FROM pragma_foreign_key_list('orders')`).Scan(&fks)
	db.QueryRow(`SELECT count(*) FROM pragma_foreign_key_check`).Scan(&fkErrs)
	if version != 2 || fks != 1 || fkErrs != 0 {
		t.Fatalf("user_version %d, foreign keys on orders %d, violations %d", version, fks, fkErrs)
	}
	// Of the backups taken before each risky migration, the latest
	// DefaultKeepBackups are left, each a copy of the same content.
	kept := backupsOnDisk(task)
	if want := lastBackups(DefaultKeepBackups); !slices.Equal(kept, want) {
		t.Errorf("backups on disk at %v, want %v", kept, want)
	}
	for _, p := range kept {
		bs, err := FileChecksums(ctx, task.BackupPath(p))
		if err != nil || !bs.Equal(task.Baseline()) {
			t.Errorf("backup %d: %v (%v)", p, bs, err)
		}
	}
	if res.State.DowntimeMS > in.DowntimeBudgetMS {
		t.Errorf("downtime %d ms over the budget %d", res.State.DowntimeMS, in.DowntimeBudgetMS)
	}
	// The progress table holds every step.
	cp, err := task.Checkpoint(ctx)
	if err != nil || cp.Step != task.Steps() || cp.Prev != "verify" {
		t.Fatalf("checkpoint %+v, %v; want step %d after verify", cp, err, task.Steps())
	}
}

func TestFailingStepRollsBack(t *testing.T) {
	ctx := context.Background()
	in := newInstance(600, 2)
	in.FailAt = "M08"
	res, task, err := migrateOnce(t, in, 0, 1, 1)
	if err != nil || !res.Summary.Success {
		t.Fatalf("run: %v (%s)", err, res.Summary.FirstWrongWhy)
	}
	if !slices.Contains(res.Actions, "restore 7") {
		t.Fatalf("no rollback to the backup before M08: %v", res.Actions)
	}
	s := res.State
	if !s.Halted || s.Verified != "intact" || !slices.Equal(s.Applied, planIDs(7)) {
		t.Fatalf("final state %+v", s)
	}
	sums, err := FileChecksums(ctx, task.Path())
	if err != nil || !sums.Equal(task.Baseline()) {
		t.Fatalf("after rollback: %v (%v), baseline %v", sums, err, task.Baseline())
	}
	// The database is the backup's: M07 is there, M08's column is not
	// filled, and nothing later exists.
	var nulls int
	task.db.QueryRow(`SELECT count(*) FROM orders WHERE amount_cents IS NULL`).Scan(&nulls)
	if nulls != in.Orders() {
		t.Fatalf("%d orders without amount_cents after rollback, want all %d", nulls, in.Orders())
	}
}

func TestCheckerReportsWrongAnswers(t *testing.T) {
	task := &Task{inst: newInstance(DefaultRows, 1)}
	states := []State{{Backup: -1}}
	s := State{Backup: -1}
	for {
		a, ok := Next(s)
		if !ok {
			break
		}
		s = Intended(s, a)
		states = append(states, s)
	}
	for _, s := range states[:len(states)-1] {
		ans, err := task.Answer(task.Prompt(s, "", 0))
		if err != nil {
			t.Fatal(err)
		}
		right, err := task.Parse(ans.Right)
		if err != nil || task.Check(0, s, right) != nil {
			t.Fatalf("right answer %q: %v / %v", ans.Right, err, task.Check(0, s, right))
		}
		if len(ans.Wrong) != 3 {
			t.Fatalf("%d wrong answers from %s", len(ans.Wrong), s.Summary())
		}
		for _, w := range ans.Wrong {
			c, err := task.Parse(w)
			if err != nil {
				t.Fatalf("wrong answer does not parse: %v\n%s", err, w)
			}
			if task.Key(c) == task.Key(right) || task.Check(0, s, c) == nil {
				t.Errorf("from %s the wrong answer %q is not told apart", s.Summary(), w)
			}
		}
	}
}

func TestParseRedFlags(t *testing.T) {
	task := &Task{}
	scentest.RejectsParse(t, task.Parse,
		"action = apply M17\nexpected = applied=0 pending=M17 backup=none maintenance=off halted=no verified=no",
		"action = apply M01 now\nexpected = applied=0 pending=M01 backup=none maintenance=off halted=no verified=no",
		"action = backup four\nexpected = applied=0 pending=none backup=4 maintenance=off halted=no verified=no",
		"action = maintenance maybe\nexpected = applied=0 pending=none backup=none maintenance=on halted=no verified=no",
		"action = apply M01\nexpected = applied=0 pending=M01",
		"action = drop customers\nexpected = applied=0 pending=none backup=none maintenance=off halted=no verified=no",
		"apply M01",
	)
}

func TestBadInstanceFiles(t *testing.T) {
	scentest.RejectsBadFiles(t, "i.json", func(p string) error {
		_, err := Load(p)
		return err
	}, []struct{ Name, Body, Want string }{
		{"not json", "rows: 3", "invalid character"},
		{"unknown field", `{"rows": 3000, "downtime_budget_ms": 100, "tables": 2}`, "unknown field"},
		{"too few rows", `{"rows": 3, "downtime_budget_ms": 100}`, "rows must be between"},
		{"no budget", `{"rows": 3000}`, "downtime_budget_ms"},
		{"unknown migration", `{"rows": 3000, "downtime_budget_ms": 100, "fail_at": "M99"}`, "not a migration"},
		{"safe migration", `{"rows": 3000, "downtime_budget_ms": 100, "fail_at": "M01"}`, "risky"},
	})
	notDB := filepath.Join(t.TempDir(), "i.json")
	if err := os.WriteFile(notDB, []byte(`{"rows": 3000, "downtime_budget_ms": 100, "fail_at": "M01"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), notDB); err == nil {
		t.Fatal("Open accepted a file that is not a database")
	}
}

// TestVotingPreventsWrongRuns: with a simulator wrong a quarter of the
// time, k=1 runs break the procedure (a risky step without its backup, a
// skipped validation) while runs at the planned k do not.
func TestVotingPreventsWrongRuns(t *testing.T) {
	const runs, errRate = 30, 0.25
	in := newInstance(MinRows*2, 3)
	steps, final := Reference(in)
	// A k=1 run is right with chance 0.75^steps (below 1e-5); k_min is
	// planned for at least 95% success, so more than 5 bad runs of 30 has
	// a chance below 1%.
	scentest.VotingPreventsWrongRuns(t, steps, runs, errRate, 5, func(seed uint64, k int) bool {
		res, _, err := migrateOnce(t, in, errRate, seed, k)
		return err != nil || res.Summary.WrongSteps > 0 || res.State.Verified != "intact" || !slices.Equal(res.State.Applied, final.Applied)
	})
}
