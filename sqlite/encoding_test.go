package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/internal/journaltest"
	"github.com/maker-go/maker/sim"
	"github.com/maker-go/maker/sqlite"
)

// loadJournal writes a journal database from an SQL file of testdata.
func loadJournal(t *testing.T, file string) string {
	t.Helper()
	script, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(string(script)); err != nil {
		t.Fatal(err)
	}
	return path
}

// stepLines is every step of the runs, a JSON line each, as the golden
// file of the first encoding's journal holds them.
func stepLines(t *testing.T, j maker.Journal, runs ...string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, id := range runs {
		err := j.Steps(context.Background(), id, 0, -1, func(rec *maker.StepRecord) error {
			b, err := json.Marshal(struct {
				Run string `json:"run"`
				*maker.StepRecord
			}{id, rec})
			out = append(out, b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// A journal that maker wrote in the first step encoding reads exactly as
// it did (every step, sample and vote, against what the maker of that
// encoding read from it), and a run of it resumed now goes on in the
// second encoding, which reads back alongside the first.
func TestReadsFirstEncoding(t *testing.T) {
	const done, stopped = "4db6940e", "29418a58"
	ctx := context.Background()
	path := loadJournal(t, "testdata/journal-encoding1.sql")
	golden, err := os.ReadFile("testdata/journal-encoding1-steps.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Split(bytes.TrimSpace(golden), []byte("\n"))

	ro, err := sqlite.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	got := stepLines(t, ro, stopped, done)
	if len(got) != len(want) {
		t.Fatalf("%d steps, want %d", len(got), len(want))
	}
	for i := range want {
		if !sameLine(t, got[i], want[i]) {
			t.Errorf("step line %d:\n%s\nwant\n%s", i+1, got[i], want[i])
		}
	}
	r, err := maker.ReplayRun(ctx, ro, done, 0, 0)
	if err != nil || r.Steps != 15 || r.Same != 15 {
		t.Errorf("replay with the run's own k: %+v, %v", r, err)
	}
	ro.Close()

	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	j, cp, err := db.Resume(ctx, stopped, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	task, _ := hanoi.New(4)
	sc := sim.DefaultConfig()
	sc.ErrorRate = 0.3
	model, err := sim.New(task, sc)
	if err != nil {
		t.Fatal(err)
	}
	var state hanoi.State
	if err := json.Unmarshal(cp.State, &state); err != nil {
		t.Fatal(err)
	}
	res, runErr := maker.RunFrom(ctx, task, model, maker.Config{K: 2, Ordered: true, Observers: []maker.Observer{j}},
		maker.Checkpoint[hanoi.State]{Step: cp.Step, State: state, Prev: cp.Prev})
	if err := j.Finish(&res.Summary, maker.RunStatus(&res.Summary, runErr)); err != nil || runErr != nil {
		t.Fatal(err, runErr)
	}
	all := stepLines(t, db, stopped)
	if len(all) != 15 {
		t.Fatalf("%d steps after the resume, want 15", len(all))
	}
	for i := range 2 {
		if !sameLine(t, all[i], want[i]) {
			t.Errorf("step %d of the first encoding after the resume:\n%s\nwant\n%s", i+1, all[i], want[i])
		}
	}
	var prev string
	err = db.Steps(ctx, stopped, 0, -1, func(rec *maker.StepRecord) error {
		if rec.Prev != prev {
			t.Errorf("step %d: previous action %q, want %q", rec.Step+1, rec.Prev, prev)
		}
		prev = rec.Action
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var second int
	if err := raw.QueryRow(`SELECT count(*) FROM steps WHERE samples LIKE '[2,%'`).Scan(&second); err != nil || second != 13 {
		t.Errorf("%d steps in the second encoding (%v), want the 13 the resume decided", second, err)
	}
	ro2, err := sqlite.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro2.Close()
	journaltest.CheckSamplesView(t, ro2, raw)
}

// sameLine compares two step lines as the records they hold, so that a
// field the step record gains later, zero in both, changes nothing.
func sameLine(t *testing.T, got, want []byte) bool {
	t.Helper()
	type line struct {
		Run string `json:"run"`
		maker.StepRecord
	}
	var g, w line
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(g, w)
}
