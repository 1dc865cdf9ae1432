package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
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
	if err := check.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != 2 {
		t.Errorf("schema version %d, %v", version, err)
	}
}
