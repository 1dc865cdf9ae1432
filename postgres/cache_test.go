package postgres_test

import (
	"context"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journaltest"
	"github.com/maker-go/maker/internal/pgtest"
	"github.com/maker-go/maker/postgres"
)

// TestDecisionCache: the decision cache is the runs' scope marks in the
// database, and a second pool on it (another worker) reads the same.
func TestDecisionCache(t *testing.T) {
	url := pgtest.Database(t)
	journaltest.DecisionCache(t, func(t *testing.T) maker.Journal {
		db, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
