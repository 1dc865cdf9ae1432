package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journaltest"
	"github.com/maker-go/maker/internal/pgtest"
	"github.com/maker-go/maker/postgres"
)

func exec(t *testing.T, url, stmt string, args ...any) {
	t.Helper()
	if _, err := pgtest.Connect(t, url).Exec(context.Background(), stmt, args...); err != nil {
		t.Fatal(err)
	}
}

// TestReadOnly checks that a read-only journal creates nothing, says when
// there is no journal, and refuses to write.
func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	if _, err := postgres.OpenReadOnly(ctx, url); !errors.Is(err, maker.ErrNoJournal) {
		t.Fatalf("read-only open of an empty database: %v, want ErrNoJournal", err)
	}
	if _, err := postgres.OpenReadOnly(ctx, url); !errors.Is(err, maker.ErrNoJournal) {
		t.Fatalf("the read-only open created the journal: %v", err)
	}
	w, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	r, err := postgres.OpenReadOnly(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Create(ctx, maker.NewRun{Task: "t"}, maker.JournalOptions{}); err == nil {
		t.Error("a read-only journal created a run")
	}
	if runs, err := r.Runs(ctx); err != nil || len(runs) != 0 {
		t.Errorf("Runs: %v, %v", runs, err)
	}
}

// TestMigrations checks the schema version, that a second open migrates
// nothing, and that a newer schema is refused.
func TestMigrations(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	for range 2 {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	var v, n int
	if err := conn.QueryRow(ctx, `SELECT max(version), count(*) FROM schema_version`).Scan(&v, &n); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	if v != 8 || n != 1 {
		t.Fatalf("schema_version: version %d in %d rows, want 8 in 1", v, n)
	}
	// A version 2 journal, from before the pace and actions tables and the
	// run list's indexes, is read as it is and migrated by the next open
	// that may write.
	exec(t, url, `DROP TABLE pace; DROP TABLE actions; DROP INDEX runs_status; DROP INDEX runs_kind; UPDATE schema_version SET version = 2`)
	ro, err := postgres.OpenReadOnly(ctx, url)
	if err != nil {
		t.Fatalf("read-only open of a version 2 journal: %v", err)
	}
	ro.Close()
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatalf("open of a version 2 journal: %v", err)
	}
	if err := db.Pacer().Wait(ctx, "k", 60, 0, 1); err != nil {
		t.Errorf("the pacer of a migrated version 2 journal: %v", err)
	}
	db.Close()
	conn, err = pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE tablename = 'runs' AND indexname IN ('runs_created', 'runs_status', 'runs_kind')`).Scan(&n); err != nil || n != 3 {
		t.Errorf("the run list's indexes after migrating a version 2 journal: %d of 3, %v", n, err)
	}
	conn.Close(ctx)
	exec(t, url, `UPDATE schema_version SET version = 99`)
	for _, ro := range []bool{false, true} {
		if _, err := maker.OpenJournal(ctx, url, ro); err == nil || !strings.Contains(err.Error(), "newer") {
			t.Errorf("open (read-only %v) of a newer schema: %v", ro, err)
		}
	}
}

// TestLockDiesWithConnection ends the connection of a session, as the
// server does when its process or machine dies, and checks that the run is
// free at once and that the old session cannot commit any more.
func TestLockDiesWithConnection(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	j, err := db.Create(ctx, maker.NewRun{Task: "t"}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Observe(ctx, journaltest.Record(0)); err != nil {
		t.Fatal(err)
	}
	if err := j.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	_, _, err = db.Resume(ctx, j.ID(), maker.JournalOptions{})
	if !errors.Is(err, maker.ErrLocked) || !strings.Contains(err.Error(), "being run by pid") {
		t.Fatalf("resume of a held run: %v", err)
	}
	exec(t, url, `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`, int64(0x6d6b7231))
	j2, cp, err := db.Resume(ctx, j.ID(), maker.JournalOptions{})
	if err != nil {
		t.Fatalf("resume after the holder's connection ended: %v", err)
	}
	if cp.Step != 1 {
		t.Errorf("resumed at %d, want 1", cp.Step)
	}
	if err := j.Observe(ctx, journaltest.Record(1)); err == nil {
		if err := j.Flush(ctx); err == nil {
			t.Error("a session whose lock died committed a step")
		}
	}
	if err := j2.Finish(nil, maker.StatusFailed); err != nil {
		t.Fatal(err)
	}
	j.Close()
	run, err := db.Run(ctx, j.ID())
	if err != nil {
		t.Fatal(err)
	}
	if run.Steps != 1 {
		t.Errorf("%d steps committed, want 1", run.Steps)
	}
}
