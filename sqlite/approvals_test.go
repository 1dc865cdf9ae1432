package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journaltest"
)

// TestDecisions: questions to a person wait in the journal file, and a
// second handle on the file answers them.
func TestDecisions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "maker.db")
	journaltest.Decisions(t, func(t *testing.T) maker.Journal {
		j, err := maker.OpenJournal(context.Background(), path, false)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { j.Close() })
		return j
	})
}
