package postgres_test

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journaltest"
	"github.com/maker-go/maker/internal/pgtest"
	_ "github.com/maker-go/maker/postgres"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// open opens the journal on a fresh database, closed when the test ends.
func open(t *testing.T) (maker.Journal, string) {
	t.Helper()
	url := pgtest.Database(t)
	j, err := maker.OpenJournal(context.Background(), url, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j, url
}

// TestJournal holds the PostgreSQL journal to the contract every backend
// keeps.
func TestJournal(t *testing.T) {
	urls := map[maker.Journal]string{}
	journaltest.Run(t, journaltest.Harness{
		Open: func(t *testing.T) maker.Journal {
			j, url := open(t)
			urls[j] = url
			return j
		},
		Exec: func(t *testing.T, j maker.Journal, stmt string) {
			ctx := context.Background()
			conn, err := pgx.Connect(ctx, urls[j])
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			if _, err := conn.Exec(ctx, stmt); err != nil {
				t.Fatal(err)
			}
		},
		SQL: func(t *testing.T, j maker.Journal) *sql.DB {
			db, err := sql.Open("pgx", urls[j])
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		},
		Secret: pgtest.Secret(),
	})
}
