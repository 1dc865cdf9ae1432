package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/pgtest"
)

// fleetRun is a run the fleet tests queue: its task command and flags,
// which also make it locally with --db FILE for the reference.
type fleetRun struct {
	args []string
}

// fleetRuns are n runs of mixed kinds and lengths, all on the simulator
// (reproducible: samples depend on the step and the seed alone), with a
// little latency so that chunks take time.
func fleetRuns(n int, rng *rand.Rand) []fleetRun {
	var out []fleetRun
	for i := range n {
		seed := fmt.Sprint(100 + i)
		var args []string
		switch i % 4 {
		case 0, 1:
			args = []string{"hanoi", "--disks", fmt.Sprint(5 + rng.IntN(3)), "--k", "3", "--sim-error", "0.02"}
		case 2:
			args = []string{"sudoku", "--blanks", fmt.Sprint(30 + rng.IntN(20)), "--k", "2"}
		case 3:
			args = []string{"run", filepath.Join("..", "..", "examples", "yaml", "running-sum.yaml"), "--k", "2"}
		}
		args = append(args, "--seed", seed, "--sim-latency", "3ms", "-q", "--json")
		out = append(out, fleetRun{args: args})
	}
	return out
}

// workers are maker worker processes on one database, each restartable.
type workers struct {
	t    *testing.T
	bin  string
	args []string
	mu   sync.Mutex
	cmds []*exec.Cmd
	logs []*lockedBuffer
}

func startWorkers(t *testing.T, bin string, n int, args ...string) *workers {
	w := &workers{t: t, bin: bin, args: append([]string{"worker"}, args...)}
	for range n {
		w.cmds = append(w.cmds, nil)
		w.logs = append(w.logs, &lockedBuffer{})
		w.start(len(w.cmds) - 1)
	}
	t.Cleanup(w.stop)
	return w
}

func (w *workers) start(i int) {
	c := makerCmd(w.t, w.bin, w.args...)
	c.Stdout, c.Stderr = w.logs[i], w.logs[i]
	if err := c.Start(); err != nil {
		w.t.Fatalf("start worker %d: %v", i, err)
	}
	w.mu.Lock()
	w.cmds[i] = c
	w.mu.Unlock()
}

// kill kills worker i with SIGKILL and starts it again.
func (w *workers) kill(i int) {
	w.mu.Lock()
	c := w.cmds[i]
	w.mu.Unlock()
	c.Process.Signal(syscall.SIGKILL)
	c.Wait()
	w.start(i)
}

func (w *workers) stop() {
	for _, c := range w.cmds {
		if c != nil && c.ProcessState == nil {
			c.Process.Signal(syscall.SIGTERM)
		}
	}
	for i, c := range w.cmds {
		done := make(chan struct{})
		go func() { c.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			c.Process.Kill()
			<-done
		}
		if w.t.Failed() {
			w.t.Logf("worker %d log (last lines):\n%s", i, lastLog(w.logs[i].String(), 30))
		}
	}
}

func lastLog(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// enqueue queues a run on the database and returns its id.
func enqueue(t *testing.T, bin, url string, args []string) string {
	t.Helper()
	c := makerCmd(t, bin, append(append([]string{}, args...), "--db", url)...)
	var errOut bytes.Buffer
	c.Stderr = &errOut
	b, err := c.Output()
	if err != nil {
		t.Fatalf("maker %v: %v\n%s%s", args, err, b, errOut.Bytes())
	}
	var q struct {
		RunID  string `json:"run_id"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal(b, &q); err != nil || q.Status != maker.StatusQueued {
		t.Fatalf("maker %v: %q (%v), want a queued run", args, b, err)
	}
	return q.RunID
}

// reference makes a run uninterrupted here, journaled in a SQLite file,
// and returns its decided steps.
func reference(t *testing.T, bin string, args []string) []stepKey {
	t.Helper()
	db := filepath.Join(t.TempDir(), "ref.db")
	c := makerCmd(t, bin, append(append([]string{}, args...), "--db", db)...)
	b, err := c.Output()
	var res struct {
		RunID string `json:"run_id"`
	}
	if jerr := json.Unmarshal(b, &res); jerr != nil || res.RunID == "" {
		t.Fatalf("reference run %v: %v %v in %q", args, err, jerr, b)
	}
	j, err := maker.OpenJournal(context.Background(), db, true)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	return journaledSteps(t, j, res.RunID)
}

// stepKey is what a decided step is: its action and next state, as the
// vote decided them.
type stepKey struct {
	Step   int
	Action string
	Key    string
}

func journaledSteps(t *testing.T, j maker.Journal, id string) []stepKey {
	t.Helper()
	var out []stepKey
	err := j.Steps(context.Background(), id, 0, -1, func(r *maker.StepRecord) error {
		out = append(out, stepKey{r.Step, r.Action, r.Key})
		return nil
	})
	if err != nil {
		t.Fatalf("steps of %s: %v", id, err)
	}
	return out
}

// waitRuns waits until every run has ended (not running or queued), and
// returns their records.
func waitRuns(t *testing.T, url string, ids []string, limit time.Duration, each func()) map[string]*maker.RunRecord {
	t.Helper()
	ctx := context.Background()
	j, err := maker.OpenJournal(ctx, url, true)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	deadline := time.Now().Add(limit)
	for {
		all, err := j.Runs(ctx)
		if err != nil {
			t.Logf("runs: %v", err) // the database may be down for a moment
		}
		got := map[string]*maker.RunRecord{}
		open := 0
		for _, r := range all {
			got[r.ID] = r
			if r.Status == maker.StatusRunning || r.Status == maker.StatusQueued {
				open++
			}
		}
		if err == nil && len(got) >= len(ids) && open == 0 {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s, %d of %d runs are still running or queued", limit, open, len(ids))
		}
		if each != nil {
			each()
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkJournal checks by SQL that each run's steps are the gap-free
// prefix its count says, none twice.
func checkJournal(t *testing.T, url string, ids []string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var dups int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM (SELECT run, step FROM steps GROUP BY run, step HAVING count(*) > 1) d`).Scan(&dups); err != nil {
		t.Fatal(err)
	}
	if dups != 0 {
		t.Errorf("%d steps journaled twice", dups)
	}
	rows, err := conn.Query(ctx, `SELECT r.id, r.steps, count(s.step), coalesce(max(s.step), -1) + 1 FROM runs r LEFT JOIN steps s ON s.run = r.seq GROUP BY r.id, r.steps`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := 0
	for rows.Next() {
		var id string
		var steps, count, next int
		if err := rows.Scan(&id, &steps, &count, &next); err != nil {
			t.Fatal(err)
		}
		seen++
		if steps != count || count != next {
			t.Errorf("run %s: count %d, %d rows, next step %d: not a gap-free prefix", id, steps, count, next)
		}
	}
	if seen != len(ids) {
		t.Errorf("%d runs in the journal, want %d", seen, len(ids))
	}
}

// TestFleetSurvivesKills: three workers on one PostgreSQL journal work 24
// queued runs of mixed kinds while seeded kill -9s take random workers
// down (each restarted at once). Every run finishes with the very steps
// the same run makes uninterrupted here, none missing or journaled twice.
func TestFleetSurvivesKills(t *testing.T) {
	url := pgtest.Database(t)
	bin := buildMaker(t)
	rng := rand.New(rand.NewPCG(13, 17))
	runs := fleetRuns(24, rng)
	ids := make([]string, len(runs))
	for i, r := range runs {
		ids[i] = enqueue(t, bin, url, r.args)
	}
	w := startWorkers(t, bin, 3, "--db", url, "--concurrency", "3", "--chunk-steps", "25", "--chunk-time", "1s", "--rescue-after", "3s")
	kills := 0
	next := time.Now().Add(time.Second)
	got := waitRuns(t, url, ids, 5*time.Minute, func() {
		if kills < 12 && time.Now().After(next) {
			w.kill(rng.IntN(3))
			kills++
			next = time.Now().Add(time.Duration(500+rng.IntN(1000)) * time.Millisecond)
		}
	})
	if kills < 10 {
		t.Errorf("only %d kills happened before the work was done; make the runs longer", kills)
	}
	checkJournal(t, url, ids)
	j, err := maker.OpenJournal(context.Background(), url, true)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	sessions := 0
	for i, id := range ids {
		r := got[id]
		if r.Status != maker.StatusDone {
			t.Errorf("run %s (%v): %s after %d steps", id, runs[i].args, r.Status, r.Steps)
			continue
		}
		full, err := j.Run(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		sessions += len(full.Sessions)
		want := reference(t, bin, runs[i].args)
		if have := journaledSteps(t, j, id); !reflect.DeepEqual(have, want) {
			t.Errorf("run %s (%v): the fleet decided %d steps, the uninterrupted run %d, and they differ", id, runs[i].args, len(have), len(want))
		}
	}
	t.Logf("%d runs, %d kills, %d sessions in all", len(ids), kills, sessions)
}
