package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journalio"
	"github.com/maker-go/maker/internal/journaltest"
)

// TestCommitAllocations bounds what a group commit allocates a step: a
// million-step run commits a million rows, and the driver's work for each
// statement (its arguments converted and checked, a result made) is paid
// a statement, not a step.
func TestCommitAllocations(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "maker.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	j, err := db.Create(ctx, maker.NewRun{Task: "t"}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Finish(nil, maker.StatusDone)
	seq, _, err := db.lookup(ctx, j.ID())
	if err != nil {
		t.Fatal(err)
	}
	st := &store{db: db, run: seq}
	const group, runs = 256, 5
	// AllocsPerRun calls the function once more than runs, to warm up.
	groups := make([][]journalio.Row, runs+1)
	for g := range groups {
		groups[g] = make([]journalio.Row, group)
		for i := range groups[g] {
			rec := journaltest.Record(g*group + i)
			rec.Prev = "move a"
			if groups[g][i], err = journalio.EncodeStep(rec, maker.KeepAll, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	next := 0
	perGroup := testing.AllocsPerRun(runs, func() {
		if err := st.Commit(ctx, groups[next]); err != nil {
			t.Fatal(err)
		}
		next++
	})
	if per := perGroup / group; per > 12 {
		t.Errorf("%.1f allocations a step committed, want at most 12", per)
	}
}
