package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/pgtest"
	"github.com/maker-go/maker/postgres"
)

// The decision cache lives in the journal: what one process stores the
// next finds, the first entry under a key stands, and prune removes by age
// and by run.
func TestDecisionCache(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	c := db.DecisionCache()
	if _, ok, err := c.Lookup(ctx, "k1"); ok || err != nil {
		t.Fatalf("empty cache: hit %v, %v", ok, err)
	}
	if err := c.Store(ctx, []maker.CachedStep{{Key: "k1", Text: "move 1", Run: "r1", Step: 0}, {Key: "k2", Text: "move 2", Run: "r1", Step: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Store(ctx, []maker.CachedStep{{Key: "k1", Text: "other", Run: "r2", Step: 9}, {Key: "k3", Text: "move 3", Run: "r2", Step: 0}}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c = db.DecisionCache()
	e, ok, err := c.Lookup(ctx, "k1")
	if err != nil || !ok || e.Text != "move 1" || e.Run != "r1" || e.Step != 0 {
		t.Errorf("k1 after reopening: %+v, %v, %v; want the first entry", e, ok, err)
	}
	admin := c.(maker.CacheAdmin)
	st, err := admin.Stats(ctx)
	if err != nil || st.Entries != 3 || st.Runs != 2 || st.Bytes != 18 || st.Oldest.IsZero() {
		t.Errorf("stats %+v, %v; want 3 entries from 2 runs, 18 bytes", st, err)
	}
	future := time.Now().Add(time.Hour)
	if n, err := admin.Prune(ctx, future, "r2"); err != nil || n != 1 {
		t.Errorf("prune run r2: %d, %v; want 1", n, err)
	}
	if n, err := admin.Prune(ctx, time.Now().Add(-time.Hour), ""); err != nil || n != 0 {
		t.Errorf("prune older than an hour: %d, %v; want 0", n, err)
	}
	if n, err := admin.Prune(ctx, future, ""); err != nil || n != 2 {
		t.Errorf("prune all: %d, %v; want 2", n, err)
	}
}
