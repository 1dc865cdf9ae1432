package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journaltest"
	"github.com/maker-go/maker/sqlite"
)

// listDir names the files in dir, sorted.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// journalWithRun writes a journal holding one finished run of n steps and
// closes it, as a run leaves it.
func journalWithRun(t *testing.T, path string, n int) string {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	j, err := db.Create(ctx, maker.NewRun{Kind: "test", Task: "t", TotalSteps: n}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sum := &maker.Summary{Task: "t", Success: true, Done: true, TotalSteps: n}
	for i := 0; i < n; i++ {
		rec := journaltest.Record(i)
		if err := j.Observe(ctx, rec); err != nil {
			t.Fatal(err)
		}
		sum.AddStep(rec)
	}
	if err := j.Finish(sum, maker.StatusDone); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return j.ID()
}

// TestOpenReadOnlyCreatesNothing reads a journal in a directory and file
// made read-only and checks that reading it leaves the directory exactly
// as it was: no -wal, no -shm, not a byte changed. (Run as root, the
// permissions do not stop a write; the check on the files does.)
func TestOpenReadOnlyCreatesNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "maker.db")
	id := journalWithRun(t, path, 3)
	before := listDir(t, dir)
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })

	db, err := sqlite.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := db.Runs(ctx)
	if err != nil || len(runs) != 1 || runs[0].ID != id {
		t.Fatalf("runs: %v %v", runs, err)
	}
	sum, err := db.Summary(ctx, id)
	if err != nil || !sum.Success || sum.Steps != 3 {
		t.Fatalf("summary %+v, %v", sum, err)
	}
	steps := 0
	if err := db.Steps(ctx, id, 0, -1, func(*maker.StepRecord) error { steps++; return nil }); err != nil || steps != 3 {
		t.Fatalf("%d steps, %v", steps, err)
	}
	if _, err := db.Create(ctx, maker.NewRun{Kind: "test", Task: "t"}, maker.JournalOptions{}); err == nil {
		t.Error("a read-only journal recorded a new run")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if after := listDir(t, dir); !slices.Equal(before, after) {
		t.Errorf("reading created files: %v, was %v", after, before)
	}
	if now, err := os.ReadFile(path); err != nil || !bytes.Equal(now, content) {
		t.Errorf("reading changed the database (%v)", err)
	}
}

// A journal that a run is writing is read as the run has committed it.
func TestOpenReadOnlyBesideWriter(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "maker.db")
	w, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	j, err := w.Create(ctx, maker.NewRun{Kind: "test", Task: "t"}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for i := 0; i < 2; i++ {
		if err := j.Observe(ctx, journaltest.Record(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := sqlite.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	run, err := r.Run(ctx, j.ID())
	if err != nil || run.Steps != 2 || run.Status != maker.StatusRunning {
		t.Fatalf("run %+v, %v", run, err)
	}
}

func TestOpenReadOnlyMissing(t *testing.T) {
	dir := t.TempDir()
	for _, path := range []string{filepath.Join(dir, "no", "such", "dir", "x.db"), filepath.Join(dir, "x.db")} {
		_, err := sqlite.OpenReadOnly(context.Background(), path)
		if !errors.Is(err, maker.ErrNoJournal) {
			t.Errorf("%s: %v, want ErrNoJournal", path, err)
		}
	}
	if got := listDir(t, dir); len(got) != 0 {
		t.Errorf("opening missing journals created %v", got)
	}
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.OpenReadOnly(context.Background(), empty); err == nil {
		t.Error("an empty file opened as a journal")
	}
}
