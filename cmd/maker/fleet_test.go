package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/events"
	"github.com/maker-go/maker/internal/pgtest"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/server"
)

// fleetRun is a run the fleet tests queue: its task command and flags,
// which also make it locally with --db FILE for the reference.
type fleetRun struct {
	args []string
}

// fleetBatch is n runs of mixed kinds and lengths, all on the simulator
// (reproducible: samples depend on the step and the seed alone), with a
// little latency so that chunks take time.
func fleetBatch(n int, rng *rand.Rand) []fleetRun {
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
	// stopped: stop has run.
	stopped bool
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
	if w.stopped {
		return
	}
	w.stopped = true
	for _, c := range w.cmds {
		if c != nil && c.ProcessState == nil {
			c.Process.Signal(syscall.SIGTERM)
		}
	}
	for i, c := range w.cmds {
		done := make(chan error, 1)
		go func() { done <- c.Wait() }()
		select {
		case err := <-done:
			// SIGTERM drains: the worker stops cleanly.
			if err != nil {
				w.t.Errorf("worker %d after SIGTERM: %v, want exit 0", i, err)
			}
		case <-time.After(20 * time.Second):
			w.t.Errorf("worker %d did not stop within 20s of SIGTERM", i)
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
			for _, r := range all {
				if r.Status == maker.StatusRunning || r.Status == maker.StatusQueued {
					t.Logf("run %s: %s after %d steps", r.ID, r.Status, r.Steps)
				}
			}
			logQueue(t, url)
			t.Fatalf("after %s, %d of %d runs are still running or queued", limit, open, len(ids))
		}
		if each != nil {
			each()
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// logQueue logs the queue's jobs that have not completed, and the queue's
// leader, for a test that failed.
func logQueue(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	conn := pgtest.Connect(t, url)
	rows, err := conn.Query(ctx, `SELECT id, state, attempt, args::text, coalesce(attempted_at::text, ''), scheduled_at::text, coalesce(errors::text, '') FROM river_job WHERE state <> 'completed' ORDER BY id`)
	if err != nil {
		t.Logf("queue: %v", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var attempt int
		var state, args, attempted, scheduled, errs string
		if err := rows.Scan(&id, &state, &attempt, &args, &attempted, &scheduled, &errs); err != nil {
			t.Logf("queue: %v", err)
			return
		}
		t.Logf("job %d %s attempt %d %s attempted %s scheduled %s errors %.300s", id, state, attempt, args, attempted, scheduled, errs)
	}
	var leader, elected string
	if err := conn.QueryRow(ctx, `SELECT leader_id, elected_at::text FROM river_leader`).Scan(&leader, &elected); err != nil {
		t.Logf("queue leader: %v", err)
	} else {
		t.Logf("queue leader %s since %s", leader, elected)
	}
}

// checkJournal checks by SQL that each run's steps are the gap-free
// prefix its count says, none twice.
func checkJournal(t *testing.T, url string, ids []string) {
	t.Helper()
	ctx := context.Background()
	conn := pgtest.Connect(t, url)
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
	t.Parallel() // other fleets, on databases of their own
	url := pgtest.Database(t)
	bin := buildMaker(t)
	rng := rand.New(rand.NewPCG(13, 17))
	runs := fleetBatch(24, rng)
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

// TestFleetSurvivesOutage: PostgreSQL goes down for 10 s in the middle of
// the runs (stopped at once, as a crash would, then started again). The
// workers retry, then carry on, and every run finishes with the steps of
// the same run made uninterrupted.
func TestFleetSurvivesOutage(t *testing.T) {
	url := pgtest.Database(t)
	bin := buildMaker(t)
	runs := []fleetRun{
		{args: []string{"hanoi", "--disks", "8", "--k", "3", "--seed", "5", "--sim-latency", "10ms", "-q", "--json"}},
		{args: []string{"hanoi", "--disks", "7", "--k", "2", "--seed", "6", "--sim-latency", "20ms", "-q", "--json"}},
	}
	ids := make([]string, len(runs))
	for i, r := range runs {
		ids[i] = enqueue(t, bin, url, r.args)
	}
	w := startWorkers(t, bin, 2, "--db", url, "--chunk-steps", "40", "--chunk-time", "2s", "--rescue-after", "5s")
	time.Sleep(1500 * time.Millisecond)
	mid := stepsSoFar(t, url)
	pgtest.Outage(t, 10*time.Second)
	got := waitRuns(t, url, ids, 3*time.Minute, nil)
	if mid == 0 {
		t.Errorf("no step was committed before the outage: it did not happen in the middle of the runs")
	}
	checkJournal(t, url, ids)
	j, err := maker.OpenJournal(context.Background(), url, true)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for i, id := range ids {
		if got[id].Status != maker.StatusDone {
			t.Errorf("run %s: %s after %d steps", id, got[id].Status, got[id].Steps)
			continue
		}
		want := reference(t, bin, runs[i].args)
		if have := journaledSteps(t, j, id); !reflect.DeepEqual(have, want) {
			t.Errorf("run %s: the fleet decided %d steps, the uninterrupted run %d, and they differ", id, len(have), len(want))
		}
	}
	retried := 0
	for _, l := range w.logs {
		retried += strings.Count(l.String(), "chunk will be retried")
	}
	t.Logf("%d steps committed when the database went down; %d chunks retried", mid, retried)
}

// stepsSoFar is the number of steps committed to the journal.
func stepsSoFar(t *testing.T, url string) int {
	return queryInt(t, url, `SELECT count(*) FROM steps`)
}

// queryInt is the one number a query over the journal's database returns.
func queryInt(t *testing.T, url, query string) int {
	t.Helper()
	var n int
	if err := pgtest.Connect(t, url).QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFleetScaling is the scaling benchmark (scripts/bench-fleet.sh): the
// same batch of latency-bound simulated runs (median 20 ms a sample)
// worked by 1, 2 and 4 workers, each on a fresh database, in one process.
// It prints runs finished per minute and samples per second for each, and
// the speed-up over one worker. It runs only when MAKER_BENCH_FLEET is set:
// its figures are the machine's, not a pass or a failure.
func TestFleetScaling(t *testing.T) {
	if os.Getenv("MAKER_BENCH_FLEET") == "" {
		t.Skip("a benchmark: set MAKER_BENCH_FLEET=1 (scripts/bench-fleet.sh)")
	}
	bin := buildMaker(t)
	nRuns, _ := strconv.Atoi(cmp.Or(os.Getenv("MAKER_BENCH_FLEET_RUNS"), "16"))
	disks := cmp.Or(os.Getenv("MAKER_BENCH_FLEET_DISKS"), "7")
	conc := cmp.Or(os.Getenv("MAKER_BENCH_FLEET_CONCURRENCY"), "2")
	var base float64
	fmt.Printf("%d runs of hanoi --disks %s --k 3 --sim-latency 20ms; --concurrency %s chunks per worker\n", nRuns, disks, conc)
	fmt.Printf("%-8s %10s %12s %12s %10s\n", "workers", "wall", "runs/min", "samples/s", "speed-up")
	for _, n := range []int{1, 2, 4} {
		url := pgtest.Database(t)
		ids := make([]string, nRuns)
		for i := range ids {
			ids[i] = enqueue(t, bin, url, []string{"hanoi", "--disks", disks, "--k", "3", "--seed", fmt.Sprint(i + 1), "--sim-latency", "20ms", "-q", "--json"})
		}
		start := time.Now()
		w := startWorkers(t, bin, n, "--db", url, "--concurrency", conc)
		got := waitRuns(t, url, ids, 10*time.Minute, nil)
		wall := time.Since(start)
		w.stop()
		for _, id := range ids {
			if got[id].Status != maker.StatusDone {
				t.Fatalf("run %s: %s", id, got[id].Status)
			}
		}
		samples := samplesSoFar(t, url)
		rate := float64(nRuns) / wall.Minutes()
		if n == 1 {
			base = rate
		}
		fmt.Printf("%-8d %10s %12.1f %12.1f %9.2fx\n", n, wall.Round(10*time.Millisecond), rate, float64(samples)/wall.Seconds(), rate/base)
	}
}

// samplesSoFar is the number of samples the journal's steps hold.
func samplesSoFar(t *testing.T, url string) int {
	return queryInt(t, url, `SELECT coalesce(sum(jsonb_array_length(samples::jsonb)), 0) FROM steps`)
}

// TestFleetService: two maker serve processes and two workers on one
// PostgreSQL journal. A run submitted to one service is carried out by
// the workers and followed live from the other; a run cancelled through
// the other service ends interrupted and, resumed, finishes with the
// steps of an uninterrupted run.
func TestFleetService(t *testing.T) {
	t.Parallel() // other fleets, on databases of their own
	url := pgtest.Database(t)
	bin := buildMaker(t)
	a := startServe(t, bin, nil, "--db", url)
	b := startServe(t, bin, nil, "--db", url)
	startWorkers(t, bin, 2, "--db", url, "--chunk-steps", "30", "--chunk-time", "1s", "--rescue-after", "4s")
	ca, cb := &server.Client{Base: a.url}, &server.Client{Base: b.url}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	// Submitted to a, watched from b to its end.
	args := []string{"hanoi", "--disks", "6", "--k", "2", "--seed", "9", "--sim-latency", "5ms", "-q", "--json"}
	id, err := ca.Start(ctx, runs.Description{Kind: "hanoi", Params: json.RawMessage(`{"disks":6}`),
		Settings: testSettings(`{"k":2,"seed":9,"sim-latency":"5ms"}`)})
	if err != nil {
		t.Fatal(err)
	}
	var seen []int
	if err := cb.Watch(ctx, id, 0, func(ev events.Event) error { seen = append(seen, ev.Step); return nil }); err != nil {
		t.Fatalf("watch from the other service: %v", err)
	}
	info, err := cb.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if info.Status != maker.StatusDone || len(seen) != 63 || seen[0] != 1 || seen[62] != 63 {
		t.Fatalf("run %s: %s, the other service streamed %d steps (%v...), want done and steps 1 to 63", id, info.Status, len(seen), seen[:min(3, len(seen))])
	}
	j, err := maker.OpenJournal(ctx, url, true)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if have, want := journaledSteps(t, j, id), reference(t, bin, args); !reflect.DeepEqual(have, want) {
		t.Errorf("run %s: the fleet's steps differ from the uninterrupted run's", id)
	}

	// A longer run cancelled through b while a worker runs it: its 511
	// steps take seconds even on an idle machine, so the cancel lands part
	// way on a loaded one too.
	long := runs.Description{Kind: "hanoi", Params: json.RawMessage(`{"disks":9}`),
		Settings: testSettings(`{"k":2,"seed":4,"sim-latency":"15ms"}`)}
	id, err = ca.Start(ctx, long)
	if err != nil {
		t.Fatal(err)
	}
	for {
		in, err := cb.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if in.Steps > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if info, err = cb.Cancel(ctx, id); err != nil {
		t.Fatalf("cancel through the other service: %v", err)
	}
	if info.Status != maker.StatusInterrupted || info.Steps >= 511 {
		t.Fatalf("cancelled run: %s after %d steps, want interrupted part-way", info.Status, info.Steps)
	}
	if _, err := ca.Cancel(ctx, id); err == nil {
		t.Error("a second cancel of a stopped run was accepted")
	}
	// Cancelled at once: queued, or taken by a worker that is resuming
	// it, the run ends interrupted all the same.
	early, err := ca.Start(ctx, long)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := cb.Cancel(ctx, early); err != nil || info.Status != maker.StatusInterrupted {
		t.Errorf("a run cancelled at once: %v, %+v; want it interrupted", err, info)
	}
	if err := cb.Resume(ctx, id); err != nil {
		t.Fatal(err)
	}
	for {
		in, err := ca.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !fleetOpenStatus(in.Status) {
			if in.Status != maker.StatusDone || in.Steps != 511 {
				t.Fatalf("resumed run: %s after %d steps", in.Status, in.Steps)
			}
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	want := reference(t, bin, []string{"hanoi", "--disks", "9", "--k", "2", "--seed", "4", "--sim-latency", "15ms", "-q", "--json"})
	if have := journaledSteps(t, j, id); !reflect.DeepEqual(have, want) {
		t.Errorf("cancelled and resumed run %s: its steps differ from the uninterrupted run's", id)
	}
}

func fleetOpenStatus(s string) bool { return s == maker.StatusRunning || s == maker.StatusQueued }

// TestFleetRateLimit: three workers run runs with --rpm 600 for one
// provider (the simulated model behind its OpenAI-compatible server, as
// maker sim serve serves it), with far more work than 600 requests a
// minute allow. Over a minute and more, the server never counts more than
// 600 requests in any 60 s, and nearly that many: the limit, kept in the
// database, binds the fleet, not each worker. It watches the server for a
// minute and more: it runs with MAKER_LONG=1 (.ci/run's long stage).
func TestFleetRateLimit(t *testing.T) {
	if os.Getenv("MAKER_LONG") == "" {
		t.Skip("a minute and more of requests: set MAKER_LONG=1")
	}
	t.Parallel() // other fleets, on databases of their own
	url := pgtest.Database(t)
	bin := buildMaker(t)
	srv, _, addr := startSimHTTP(t)
	base := "http://" + addr + "/v1"
	for i := range 9 {
		enqueue(t, bin, url, []string{"hanoi", "--disks", "8", "--k", "3", "--seed", fmt.Sprint(i + 1),
			"--model", "vllm/sim", "--base-url", base, "--rpm", "600", "-q", "--json"})
	}
	w := startWorkers(t, bin, 3, "--db", url, "--concurrency", "3", "--drain-timeout", "1s")
	start := time.Now()
	time.Sleep(65 * time.Second)
	w.stop() // a drain cut short: the chunks are cancelled
	st := srv.Stats()
	t.Logf("%d requests in %s; the busiest minute held %d", st.Requests, time.Since(start).Round(time.Second), st.BusiestMinute)
	if st.BusiestMinute > 600 {
		t.Errorf("the server counted %d requests in one minute, over the fleet's --rpm 600", st.BusiestMinute)
	}
	if st.BusiestMinute < 480 {
		t.Errorf("the server counted only %d requests in its busiest minute: the work did not press on the limit", st.BusiestMinute)
	}
}

// TestFleetHandsOnKilledWorkers: three workers with the default flags work
// six long runs while a worker holding runs is killed with kill -9 every
// 20 s, three times (each restarted at once). Every run the killed worker
// held is handed on and commits a step again within 45 s of the kill (the
// longest wait is logged), every run finishes, and SQL over the journal
// finds no step missing or twice. Two to three minutes: it runs with
// MAKER_LONG=1.
func TestFleetHandsOnKilledWorkers(t *testing.T) {
	if os.Getenv("MAKER_LONG") == "" {
		t.Skip("two to three minutes: set MAKER_LONG=1")
	}
	t.Parallel() // other fleets, on databases of their own
	url := pgtest.Database(t)
	bin := buildMaker(t)
	ids := make([]string, 6)
	for i := range ids {
		ids[i] = enqueue(t, bin, url, []string{"hanoi", "--disks", "11", "--k", "3", "--seed", fmt.Sprint(i + 1),
			"--sim-latency", "50ms", "--speculate", "0", "-q", "--json"})
	}
	w := startWorkers(t, bin, 3, "--db", url)
	conn := pgtest.Connect(t, url)
	ctx := context.Background()
	// held is the runs worker i's process has running, with their
	// committed steps.
	held := func(i int) map[string]int {
		w.mu.Lock()
		pid := w.cmds[i].Process.Pid
		w.mu.Unlock()
		rows, err := conn.Query(ctx, `SELECT r.id, r.steps FROM sessions s JOIN runs r ON r.seq = s.run
			WHERE s.pid = $1 AND s.status = $2 AND r.status = $2`, pid, maker.StatusRunning)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for rows.Next() {
			var id string
			var steps int
			if err := rows.Scan(&id, &steps); err != nil {
				t.Fatal(err)
			}
			out[id] = steps
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	type victim struct {
		kill  int // which kill
		at    time.Time
		steps int // committed when the kill came
	}
	waiting := map[string]victim{}
	var longest time.Duration
	longestRun := ""
	kills := 0
	next := time.Now().Add(20 * time.Second)
	waitRuns(t, url, ids, 5*time.Minute, func() {
		for id, v := range waiting {
			var steps int
			var status string
			if err := conn.QueryRow(ctx, `SELECT steps, status FROM runs WHERE id = $1`, id).Scan(&steps, &status); err != nil {
				t.Fatal(err)
			}
			waited := time.Since(v.at)
			if steps > v.steps || !fleetOpenStatus(status) {
				delete(waiting, id)
				if waited > longest {
					longest, longestRun = waited, id
				}
				continue
			}
			if waited > 45*time.Second {
				logQueue(t, url)
				t.Fatalf("run %s: no step committed for %s after kill %d (at step %d)", id, waited.Round(time.Second), v.kill, v.steps)
			}
		}
		if kills == 3 || time.Now().Before(next) {
			return
		}
		// The worker that holds the most runs.
		victimWorker, most := 0, map[string]int{}
		for i := range 3 {
			if h := held(i); len(h) > len(most) {
				victimWorker, most = i, h
			}
		}
		kills++
		next = time.Now().Add(20 * time.Second)
		if len(most) == 0 {
			t.Errorf("kill %d: no worker held a run; make the runs longer", kills)
			return
		}
		at := time.Now()
		w.kill(victimWorker)
		for id, steps := range most {
			waiting[id] = victim{kills, at, steps}
		}
		t.Logf("kill %d: worker %d, holding %d runs", kills, victimWorker, len(most))
	})
	if kills < 3 {
		t.Errorf("only %d kills happened before the work was done; make the runs longer", kills)
	}
	checkJournal(t, url, ids)
	j, err := maker.OpenJournal(ctx, url, true)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for _, id := range ids {
		r, err := j.Run(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != maker.StatusDone || r.Steps != 2047 {
			t.Errorf("run %s: %s after %d steps, want done after 2047", id, r.Status, r.Steps)
		}
	}
	t.Logf("%d kills; the longest wait for a step after a kill: %s (run %s)", kills, longest.Round(100*time.Millisecond), longestRun)
}

// TestFleetChunksSpeculate: a run queued with --speculate is worked in
// chunks, ended by steps and by time, each voting ahead as the run asks;
// every chunk that ended on time says so, and the run's steps are the
// uninterrupted run's, none missing or twice.
func TestFleetChunksSpeculate(t *testing.T) {
	t.Parallel() // other fleets, on databases of their own
	url := pgtest.Database(t)
	bin := buildMaker(t)
	args := []string{"hanoi", "--disks", "8", "--k", "2", "--speculate", "3", "--seed", "21", "--sim-latency", "5ms", "-q", "--json"}
	id := enqueue(t, bin, url, args)
	startWorkers(t, bin, 2, "--db", url, "--chunk-steps", "60", "--chunk-time", "300ms", "--rescue-after", "5s")
	got := waitRuns(t, url, []string{id}, 3*time.Minute, nil)
	if got[id].Status != maker.StatusDone {
		t.Fatalf("run %s: %s after %d steps", id, got[id].Status, got[id].Steps)
	}
	checkJournal(t, url, []string{id})
	j, err := maker.OpenJournal(context.Background(), url, true)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	run, err := j.Run(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	onTime, ahead := 0, int64(0)
	for _, s := range run.Sessions {
		if s.Summary == nil {
			continue // the session that queued the run
		}
		if s.Summary.Speculation.Depth != 3 {
			t.Errorf("session %d: speculation depth %d, want the run's 3", s.N, s.Summary.Speculation.Depth)
		}
		if s.Summary.StopReason == maker.StopUntil {
			onTime++
		}
		ahead += s.Summary.Speculation.Started
	}
	if onTime == 0 || ahead == 0 {
		t.Errorf("%d sessions, %d ended on time, %d steps voted ahead: want chunks ended on time that speculated", len(run.Sessions), onTime, ahead)
	}
	if have, want := journaledSteps(t, j, id), reference(t, bin, args); !reflect.DeepEqual(have, want) {
		t.Errorf("run %s: the fleet decided %d steps, the uninterrupted run %d, and they differ", id, len(have), len(want))
	}
	t.Logf("%d sessions, %d ended on time, %d steps voted ahead", len(run.Sessions), onTime, ahead)
}

// testSettings reads settings a test writes as JSON.
func testSettings(js string) runs.Settings {
	var s runs.Settings
	if err := json.Unmarshal([]byte(js), &s); err != nil {
		panic(err)
	}
	return s
}
