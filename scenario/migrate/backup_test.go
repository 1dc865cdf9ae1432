package migrate

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/internal/scentest"
)

// backupsOnDisk lists the positions of the task's backup files, lowest
// first.
func backupsOnDisk(task *Task) []int {
	var out []int
	for p := 0; p <= len(Plan); p++ {
		if _, err := os.Stat(task.BackupPath(p)); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// lastBackups is the positions of the n latest backups a full migration
// takes (one before each risky migration: the number applied then), or all
// of them for n = 0.
func lastBackups(n int) []int {
	var all []int
	for i, m := range Plan {
		if m.Risky {
			all = append(all, i)
		}
	}
	if n == 0 || n >= len(all) {
		return all
	}
	return all[len(all)-n:]
}

// TestBackupRetention: a migration keeps only the most recent backups it
// is told to (0: all of them), and a rollback still finds the latest one
// with a single backup kept.
func TestBackupRetention(t *testing.T) {
	tests := []struct {
		name   string
		keep   int
		failAt string
		want   []int
	}{
		{"keep all", 0, "", lastBackups(0)},
		{"keep one", 1, "", lastBackups(1)},
		{"keep three", 3, "", lastBackups(3)},
		{"keep one, roll back", 1, "M08", []int{7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			in := newInstance(MinRows*2, 1)
			in.FailAt = tt.failAt
			task, err := Create(ctx, filepath.Join(t.TempDir(), "shop.db"), in)
			if err != nil {
				t.Fatal(err)
			}
			defer task.Close()
			if err := task.KeepBackups(tt.keep); err != nil {
				t.Fatal(err)
			}
			res, err := maker.Run(ctx, task, scentest.SimModel(t, task, 1, 0), maker.Config{K: 1, Ordered: true})
			if err != nil || !res.Summary.Success || res.State.Verified != "intact" {
				t.Fatalf("run: %v, final state %+v", err, res.State)
			}
			if tt.failAt != "" && !slices.Contains(res.Actions, "restore 7") {
				t.Fatalf("no rollback: %v", res.Actions)
			}
			if got := backupsOnDisk(task); !slices.Equal(got, tt.want) {
				t.Errorf("backups on disk at %v, want %v", got, tt.want)
			}
		})
	}
	if err := (&Task{}).KeepBackups(-1); err == nil {
		t.Error("KeepBackups(-1) accepted")
	}
}
