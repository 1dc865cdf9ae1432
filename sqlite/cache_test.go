package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journaltest"
	"github.com/maker-go/maker/sqlite"
)

// TestDecisionCache: the decision cache is the runs' scope marks in the
// journal file, and a second handle on the file reads the same.
func TestDecisionCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	journaltest.DecisionCache(t, func(t *testing.T) maker.Journal {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
