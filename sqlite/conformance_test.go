package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journaltest"
	"github.com/maker-go/maker/sqlite"
)

// TestJournal holds the SQLite journal to the contract every backend
// keeps.
func TestJournal(t *testing.T) {
	journaltest.Run(t, journaltest.Harness{
		Open: func(t *testing.T) maker.Journal {
			j, err := maker.OpenJournal(context.Background(), filepath.Join(t.TempDir(), "sub", "maker.db"), false)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { j.Close() })
			return j
		},
		Exec: func(t *testing.T, j maker.Journal, stmt string) {
			raw, err := sql.Open("sqlite", j.(*sqlite.DB).Path())
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.Exec(stmt); err != nil {
				t.Fatal(err)
			}
		},
		SQL: func(t *testing.T, j maker.Journal) *sql.DB {
			raw, err := sql.Open("sqlite", j.(*sqlite.DB).Path())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { raw.Close() })
			return raw
		},
	})
}

// TestOpenLocation opens the journal by each of the locations it is
// registered for.
func TestOpenLocation(t *testing.T) {
	dir := t.TempDir()
	for _, loc := range []string{filepath.Join(dir, "a.db"), "file:" + filepath.Join(dir, "b.db"), "sqlite://" + filepath.Join(dir, "c.db")} {
		j, err := maker.OpenJournal(context.Background(), loc, false)
		if err != nil {
			t.Errorf("OpenJournal(%q): %v", loc, err)
			continue
		}
		if _, ok := j.(*sqlite.DB); !ok {
			t.Errorf("OpenJournal(%q) opened a %T", loc, j)
		}
		j.Close()
	}
	if _, err := maker.OpenJournal(context.Background(), "file:"+filepath.Join(dir, "d.db")+"?mode=ro", false); err == nil {
		t.Error("a SQLite location with options was opened")
	}
}
