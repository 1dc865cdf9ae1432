package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestResumeRefusesAnotherWorld kills runs whose world is rebuilt or
// reopened on resume, then makes that world differ from the one the
// journal records: maker resume refuses the run with exit 2 and says why,
// rather than going on in another world.
func TestResumeRefusesAnotherWorld(t *testing.T) {
	if testing.Short() {
		t.Skip("runs maker processes")
	}
	t.Parallel() // a directory of its own, its runs in processes of their own
	bin := buildMaker(t)
	deploy := []string{"scenario", "deploy", "--size", "8", "--sim-latency", "25ms", "-q", "--json"}
	migrate := []string{"scenario", "migrate", "--size", "300", "--sim-latency", "25ms", "-q", "--json"}
	tests := []struct {
		name string
		args []string
		// change alters the world or the journal of the killed run: the
		// journal at path, the migrated database at file.
		change func(t *testing.T, path, file string)
		want   []string
	}{
		{
			name: "replayed step reports another state",
			args: deploy,
			change: func(t *testing.T, path, _ string) {
				execSQL(t, path, `UPDATE steps SET state = replace(state, '"Last":"', '"Last":"not ') WHERE step = 0`)
			},
			want: []string{"cannot be resumed: replaying step 1", "the world now reports", `"Last":"not `},
		},
		{
			name: "replayed action the world refuses",
			args: deploy,
			change: func(t *testing.T, path, _ string) {
				execSQL(t, path, `UPDATE steps SET action = 'upgrade nosuch/1' WHERE step = 0`)
			},
			want: []string{"cannot be resumed: replaying step 1 (\"upgrade nosuch/1\")"},
		},
		{
			name: "database removed",
			args: migrate,
			change: func(t *testing.T, _, file string) {
				if err := os.Remove(file); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{"shop.sqlite is gone"},
		},
		{
			name: "database made again",
			args: migrate,
			change: func(t *testing.T, _, file string) {
				for _, ext := range []string{"", "-wal", "-shm"} {
					os.Remove(file + ext)
				}
				c := makerCmd(t, bin, "scenario", "migrate", "--size", "300", "--db-file", file, "--no-journal", "-q", "--json")
				if out, err := c.CombinedOutput(); err != nil {
					t.Fatalf("second migration: %v\n%s", err, out)
				}
			},
			want: []string{"is not the database this run migrated"},
		},
		{
			name: "temporary database not where the journal left it",
			args: append(migrate, "--db-file", ""),
			change: func(t *testing.T, path, _ string) {
				execSQL(t, path, `UPDATE steps SET state = replace(state, '"last":"', '"last":"not ') WHERE step = (SELECT max(step) FROM steps)`)
			},
			want: []string{"is not where the journal left it"},
		},
		{
			name: "database not where the journal left it",
			args: migrate,
			change: func(t *testing.T, path, _ string) {
				execSQL(t, path, `UPDATE steps SET state = replace(state, '"last":"', '"last":"not ') WHERE step = (SELECT max(step) FROM steps)`)
			},
			want: []string{"is not where the journal left it"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path, file := filepath.Join(dir, "m.db"), filepath.Join(dir, "shop.sqlite")
			args := append([]string{}, tc.args...)
			temporary := slices.Contains(args, "")
			if tc.args[1] == "migrate" && !temporary {
				args = append(args, "--db-file", file)
			}
			id, _ := killAfterCommit(t, bin, append(args, "--db", path))
			tc.change(t, path, file)
			c := makerCmd(t, bin, "resume", id, "--db", path, "-q", "--json")
			var stdout, stderr bytes.Buffer
			c.Stdout, c.Stderr = &stdout, &stderr
			err := c.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitUsage {
				t.Fatalf("resume: %v, want exit %d\n%s%s", err, exitUsage, stdout.Bytes(), stderr.Bytes())
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("resume says %q, want %q in it", stderr.String(), w)
				}
			}
			if n := strings.Count(stderr.String(), "\n"); n > 3 {
				t.Errorf("the refusal takes %d lines: %s", n, stderr.Bytes())
			}
			t.Logf("%s", stderr.Bytes())
			if temporary {
				// The refused run can still be resumed: its file is kept.
				var params struct {
					DBFile string `json:"db_file"`
				}
				journaledParams(t, path, &params)
				if _, err := os.Stat(params.DBFile); err != nil {
					t.Errorf("the temporary database of a refused resume: %v", err)
				}
				os.RemoveAll(filepath.Dir(params.DBFile))
			}
		})
	}
}

// TestResumeMigrationAheadOfJournal resumes a migration whose database
// carried out steps the journal had not committed when the process was
// killed (made certain here by dropping the journal's steps): those
// steps are decided again, the database reports what it did instead of
// doing it twice, and the run ends with the journal and the database of
// an uninterrupted run.
func TestResumeMigrationAheadOfJournal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs maker processes")
	}
	t.Parallel() // a directory of its own, its runs in processes of their own
	bin := buildMaker(t)
	dir := t.TempDir()
	args := []string{"scenario", "migrate", "--size", "300", "--sim-latency", "25ms", "-q", "--json"}
	var ref map[string]any
	runJSON(t, bin, &ref, nil, append(args, "--db-file", filepath.Join(dir, "ref.sqlite"), "--db", filepath.Join(dir, "ref.db"))...)
	want := withoutStates(loadSteps(t, filepath.Join(dir, "ref.db"), ref["run_id"].(string)))

	path, file := filepath.Join(dir, "m.db"), filepath.Join(dir, "shop.sqlite")
	id, committed := killAfterCommit(t, bin, append(args, "--db-file", file, "--db", path))
	execSQL(t, path, `UPDATE runs SET steps = 0`)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec(`DELETE FROM steps`)
	db.Close()
	if n, _ := res.RowsAffected(); err != nil || int(n) != committed {
		t.Fatalf("dropping the journal's steps: %d of %d, %v", n, committed, err)
	}
	var got map[string]any
	runJSON(t, bin, &got, nil, "resume", id, "--db", path, "-q", "--json")
	for _, k := range []string{"success", "applied", "verified", "checksums", "checksums_match"} {
		if !reflect.DeepEqual(got[k], ref[k]) {
			t.Errorf("%s: resumed %v, uninterrupted %v", k, got[k], ref[k])
		}
	}
	if steps := withoutStates(loadSteps(t, path, id)); !reflect.DeepEqual(steps, want) {
		t.Fatalf("journal: %d steps, uninterrupted %d; first difference at %d", len(steps), len(want), firstDiff(steps, want))
	}
	t.Logf("the database was %d steps ahead of the journal", committed)
}

// execSQL runs one statement on a journal database, to damage it.
func execSQL(t *testing.T, path, stmt string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.ExecContext(context.Background(), stmt)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%s: %d rows changed, want 1", stmt, n)
	}
}

// journaledParams decodes the params of the only run of a journal.
func journaledParams(t *testing.T, path string, v any) {
	t.Helper()
	run, ok := peekRun(path)
	if !ok {
		t.Fatalf("%s: no run", path)
	}
	if err := json.Unmarshal(run.Params, v); err != nil {
		t.Fatal(err)
	}
}
