package postgres_test

import (
	"context"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journaltest"
	"github.com/maker-go/maker/internal/pgtest"
)

// TestDecisions: questions to a person wait in the database, and a second
// connection pool on it answers them.
func TestDecisions(t *testing.T) {
	url := pgtest.Database(t)
	journaltest.Decisions(t, func(t *testing.T) maker.Journal {
		j, err := maker.OpenJournal(context.Background(), url, false)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { j.Close() })
		return j
	})
}
