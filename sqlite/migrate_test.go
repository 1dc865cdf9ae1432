package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sqlite"
)

// A journal of schema 1 is read as it is by the read-only commands, and
// upgraded by the first command that writes: it resumes, and its samples
// view gains the batch column.
func TestMigrateFromVersion1(t *testing.T) {
	ctx := context.Background()
	v1, err := os.ReadFile("testdata/schema-v1.sql")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{string(v1),
		`INSERT INTO runs VALUES (1, 'a1b2c3d4', 'test', 't', '{}', 'sim', 1, '{}', 'v', 'flagged', 'running', 1, 3, 0, 0)`,
		`INSERT INTO sessions VALUES (1, 0, 0, 'running', 0, 0, NULL)`,
		`INSERT INTO steps VALUES (1, 0, 0, 1, '', 'A', 'a', '1', '[{"key":"a","votes":1}]', 1, 0, NULL, 0, 0, 5, 0, 2, 0.1, 9, 0, NULL, '[{"s":0,"i":0,"v":0,"in":5,"out":2,"usd":0.1}]')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	ro, err := sqlite.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := ro.Summary(ctx, "a1b2")
	ro.Close()
	if err != nil || sum.Steps != 1 || sum.Samples != 1 || sum.InputTokens != 5 {
		t.Fatalf("reading schema 1: %+v, %v", sum, err)
	}

	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	j, cp, err := db.Resume(ctx, "a1b2", maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cp.Step != 1 {
		t.Errorf("resumed at %d, want 1", cp.Step)
	}
	if err := j.Finish(nil, maker.StatusFailed); err != nil {
		t.Fatal(err)
	}
	check, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	var batch, version int
	if err := check.QueryRow(`SELECT batch FROM samples`).Scan(&batch); err != nil {
		t.Errorf("samples view after the upgrade: %v", err)
	}
	if err := check.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != freshVersion(t) {
		t.Errorf("schema version %d, %v; a new journal's is %d", version, err, freshVersion(t))
	}
	for _, index := range []string{"runs_created", "runs_status", "runs_kind"} {
		var n int
		if err := check.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?`, index).Scan(&n); err != nil || n != 1 {
			t.Errorf("index %s after the upgrade: %d, %v", index, n, err)
		}
	}
}

// The run list's indexes are used: a page of the newest runs, by status or
// by kind, reads the index in order rather than sorting every run.
func TestRunListUsesIndexes(t *testing.T) {
	raw := freshRaw(t)
	for _, tt := range []struct{ where, index string }{
		{"1", "runs_created"},
		{"status = 'done'", "runs_status"},
		{"kind = 'hanoi'", "runs_kind"},
	} {
		rows, err := raw.Query(`EXPLAIN QUERY PLAN SELECT id FROM runs WHERE ` + tt.where + ` ORDER BY created_at DESC, seq DESC LIMIT 50`)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		got := strings.Join(plan, "; ")
		if !strings.Contains(got, "INDEX "+tt.index) || strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("WHERE %s: plan %q, want index %s and no sort", tt.where, got, tt.index)
		}
	}
}

// freshRaw is a new journal, made by sqlite.Open and closed, opened again
// as a plain database for the test's own SQL; it is closed when the test
// ends.
func freshRaw(t *testing.T) *sql.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fresh.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// freshVersion is the schema version of a new journal.
func freshVersion(t *testing.T) int {
	t.Helper()
	var v int
	if err := freshRaw(t).QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
