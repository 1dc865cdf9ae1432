package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
	"github.com/maker-go/maker/sqlite"
)

// TestBytesPerStep holds the journal of a simulated Hanoi run, at the
// default keep policy, to at most 200 bytes a step once the database is
// checkpointed and closed: a million-step run must fit in a couple of
// hundred megabytes.
func TestBytesPerStep(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 32,767 simulated steps")
	}
	const disks, budget = 15, 200
	ctx := context.Background()
	task, err := hanoi.New(disks)
	if err != nil {
		t.Fatal(err)
	}
	model, err := sim.New(task, sim.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "maker.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	j, err := db.Create(ctx, maker.NewRun{Kind: "hanoi", Task: task.Name(), TotalSteps: task.Steps()}, maker.JournalOptions{Keep: maker.KeepFlagged})
	if err != nil {
		t.Fatal(err)
	}
	res, runErr := maker.Run(ctx, task, model, maker.Config{K: 3, Ordered: true, Observers: []maker.Observer{j}})
	if err := j.Finish(&res.Summary, maker.RunStatus(&res.Summary, runErr)); err != nil {
		t.Fatal(err)
	}
	if runErr != nil {
		t.Fatal(runErr)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Fatal("the write-ahead log outlived Close: the size would leave steps out")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	per := float64(fi.Size()) / float64(task.Steps())
	t.Logf("%d steps in %d bytes: %.1f bytes a step", task.Steps(), fi.Size(), per)
	if per > budget {
		t.Errorf("%.1f bytes a step, want at most %d", per, budget)
	}
}
