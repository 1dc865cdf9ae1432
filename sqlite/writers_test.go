package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

// The writers of one journal file in one process (a service's runs, each
// with a handle of its own) queue for it in the process: while one writes,
// another handle's Create waits its turn, holding and polling nothing, and
// goes on the moment the first is done.
func TestWritersOfOneFileTakeTurns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	ctx := context.Background()
	first, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()

	tx, err := first.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		r, err := second.Create(ctx, maker.NewRun{Task: "t"}, maker.JournalOptions{})
		if err == nil {
			err = r.Close()
		}
		done <- err
	}()
	// A busy machine can only make this miss a write that jumped the
	// queue, never fail a queue that works.
	select {
	case err := <-done:
		t.Fatalf("Create returned (%v) while another handle of the file was writing", err)
	case <-time.After(100 * time.Millisecond):
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Create after its turn came: %v", err)
	}

	// A writer that gives up waiting says why.
	tx, err = first.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := second.Create(cctx, maker.NewRun{Task: "t"}, maker.JournalOptions{}); err == nil {
		t.Fatal("Create with an ended context went on while another handle was writing")
	}
}
