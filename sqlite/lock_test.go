//go:build unix

package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journaltest"
	"github.com/maker-go/maker/sqlite"
)

// TestResumeLock gives a run's session to another live process and checks
// that a resumption is turned away, naming the pid and recording nothing;
// once that process is gone (killed), the run resumes.
func TestResumeLock(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "maker.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	j, err := db.Create(ctx, maker.NewRun{Kind: "test", Task: "t"}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Observe(ctx, journaltest.Record(0)); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	other := exec.Command("sleep", "60")
	if err := other.Start(); err != nil {
		t.Skipf("no process to hold the run: %v", err)
	}
	defer other.Process.Kill()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE sessions SET pid = ? WHERE n = 0`, other.Process.Pid); err != nil {
		t.Fatal(err)
	}

	_, _, err = db.Resume(ctx, j.ID(), maker.JournalOptions{})
	if !errors.Is(err, maker.ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("run %s is being run by pid %d", j.ID(), other.Process.Pid)) {
		t.Fatalf("resume of a held run: %v", err)
	}
	run, err := db.Run(ctx, j.ID())
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Sessions) != 1 {
		t.Fatalf("the refused resumption recorded a session: %+v", run.Sessions)
	}

	other.Process.Kill()
	other.Wait()
	j2, cp, err := db.Resume(ctx, j.ID(), maker.JournalOptions{})
	if err != nil {
		t.Fatalf("resume after the holder was killed: %v", err)
	}
	if cp.Step != 1 {
		t.Errorf("resumed at step %d, want 1", cp.Step)
	}
	if err := j2.Finish(nil, maker.StatusFailed); err != nil {
		t.Fatal(err)
	}
}
