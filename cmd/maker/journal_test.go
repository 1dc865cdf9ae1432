package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sqlite"
)

// buildMaker returns the maker command for tests that must run or kill a
// real process: this test binary, which TestMain puts first on PATH under
// the name maker, where it runs maker's own main (see TestMain). No test
// waits on a build of its own, and the scripts of TestScripts run the same
// command.
func buildMaker(t *testing.T) string {
	t.Helper()
	dirs := filepath.SplitList(os.Getenv("PATH"))
	if len(dirs) == 0 {
		t.Fatal("PATH is empty: TestMain did not put maker on it")
	}
	bin := filepath.Join(dirs[0], "maker")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("TestMain did not put maker first on PATH: %v", err)
	}
	return bin
}

// makerCmd runs the binary with the user's data directory pointed into the
// test's, so no test writes a journal outside it.
func makerCmd(t *testing.T, bin string, args ...string) *exec.Cmd {
	c := exec.Command(bin, args...)
	c.Env = append(os.Environ(), "XDG_DATA_HOME="+t.TempDir())
	return c
}

// runJSON runs maker and decodes its JSON output; exit codes in ok are
// accepted.
func runJSON(t *testing.T, bin string, out any, ok []int, args ...string) {
	t.Helper()
	c := makerCmd(t, bin, args...)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	b, err := c.Output()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("maker %v: %v", args, err)
	}
	good := code == 0
	for _, c := range ok {
		good = good || code == c
	}
	if !good {
		t.Fatalf("maker %v: exit %d\n%s%s", args, code, b, stderr.Bytes())
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("maker %v: %v in %q", args, err, b)
	}
}

type journaledStep struct {
	Action, Key, State string
}

func loadSteps(t *testing.T, path, id string) []journaledStep {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []journaledStep
	err = db.Steps(context.Background(), id, 0, -1, func(r *maker.StepRecord) error {
		if r.Step != len(out) {
			t.Fatalf("journal of %s: step %d where %d was due", path, r.Step, len(out))
		}
		out = append(out, journaledStep{r.Action, r.Key, string(r.State.(json.RawMessage))})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestJournalCLI runs the journal's command-line tests against the maker
// command, side by side.
func TestJournalCLI(t *testing.T) {
	t.Parallel() // each case in a directory of its own, its runs in processes of their own
	bin := buildMaker(t)
	t.Run("KillResume", func(t *testing.T) { t.Parallel(); testKillResume(t, bin) })
	t.Run("KillResumeSpeculate", func(t *testing.T) { t.Parallel(); testKillResume(t, bin, "--speculate", "4") })
	t.Run("ShowMatchesRun", func(t *testing.T) { t.Parallel(); testShowMatchesRun(t, bin) })
	t.Run("ShowMatchesSpeculativeRun", func(t *testing.T) {
		t.Parallel()
		testShowMatchesRun(t, bin, "--speculate", "2", "--sim-latency", "2ms")
	})
	t.Run("Replay", func(t *testing.T) { t.Parallel(); testReplay(t, bin) })
	t.Run("Interrupt", func(t *testing.T) { t.Parallel(); testInterrupt(t, bin) })
	t.Run("ResumeRace", func(t *testing.T) { t.Parallel(); testResumeRace(t, bin) })
}

// testInterrupt stops a run with SIGINT, as Ctrl-C does: the run records
// its end as interrupted with every decided step, and resumes to the end.
func testInterrupt(t *testing.T, bin string) {
	path := filepath.Join(t.TempDir(), "m.db")
	c := makerCmd(t, bin, "hanoi", "--disks", "10", "--sim-latency", "1ms", "-q", "--json", "--db", path)
	var out bytes.Buffer
	c.Stdout = &out
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once the run has committed a step, however long its start
	// takes on a loaded machine.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if run, ok := peekRun(path); ok && run.Steps > 0 {
			break
		}
		if time.Now().After(deadline) {
			c.Process.Kill()
			t.Fatal("the run committed no step in 60s")
		}
	}
	if err := c.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := c.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("interrupted run: %v, want exit %d", err, exitInterrupted)
	}
	var sum struct {
		RunID      string `json:"run_id"`
		Steps      int    `json:"steps"`
		StopReason string `json:"stop_reason"`
	}
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
		t.Fatalf("interrupted run's summary %q: %v", out.Bytes(), err)
	}
	runs := listRuns(t, path)
	if len(runs) != 1 || runs[0].Status != maker.StatusInterrupted || runs[0].Steps != sum.Steps || sum.StopReason != "interrupted" {
		t.Fatalf("after SIGINT: summary %+v, runs %+v", sum, runs[0])
	}
	var done struct {
		Success bool `json:"success"`
		Steps   int  `json:"steps"`
	}
	runJSON(t, bin, &done, nil, "resume", sum.RunID, "--db", path, "--json")
	if !done.Success || done.Steps != 1023 || len(loadSteps(t, path, sum.RunID)) != 1023 {
		t.Errorf("resumed: %+v", done)
	}
}

// testKillResume kills a running maker hanoi with SIGKILL at seeded random
// moments, resumes it each time, and checks that the journal ends up with
// exactly the steps of an uninterrupted run: none lost, none repeated, the
// same moves. With extra flags (speculation), the killed run must still
// journal the moves of the plain uninterrupted run.
func testKillResume(t *testing.T, bin string, extra ...string) {
	dir := t.TempDir()
	args := []string{"hanoi", "--disks", "10", "--sim-latency", "1ms", "-q", "--json"}

	var ref struct {
		RunID      string `json:"run_id"`
		Steps      int    `json:"steps"`
		Success    bool   `json:"success"`
		FinalState string `json:"final_state"`
	}
	refDB := filepath.Join(dir, "ref.db")
	runJSON(t, bin, &ref, nil, append(args, "--db", refDB)...)
	if !ref.Success || ref.Steps != 1023 {
		t.Fatalf("uninterrupted run: %+v", ref)
	}
	want := loadSteps(t, refDB, ref.RunID)

	args = append(args, extra...)
	path := filepath.Join(dir, "killed.db")
	rng := rand.New(rand.NewPCG(20251125, 4))
	var (
		id       string
		kills    int
		midKills int // kills that landed after a commit and before the end
		final    bytes.Buffer
	)
	for {
		cmdArgs := append(append([]string{}, args...), "--db", path)
		if id != "" {
			cmdArgs = []string{"resume", id, "--db", path, "-q", "--json"}
		}
		c := makerCmd(t, bin, cmdArgs...)
		final.Reset()
		c.Stdout = &final
		var stderr bytes.Buffer
		c.Stderr = &stderr
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- c.Wait() }()
		var err error
		finished := false
		if kills < 8 {
			// Kill once the run has committed a seeded number of steps
			// past where this session began: a condition, not a delay, so
			// the kill lands mid-run however loaded the machine is.
			target := committedSteps(path) + 1 + rng.IntN(300)
			tick := time.NewTicker(10 * time.Millisecond)
		wait:
			for {
				select {
				case err = <-done:
					finished = true
					break wait
				case <-tick.C:
					if committedSteps(path) < target {
						continue
					}
					if kerr := c.Process.Kill(); kerr != nil && !errors.Is(kerr, os.ErrProcessDone) {
						t.Fatal(kerr)
					}
					err = <-done
					finished = c.ProcessState.Exited() // it may have ended just before the kill
					break wait
				}
			}
			tick.Stop()
		} else {
			err = <-done
			finished = true
		}
		if finished {
			if err != nil {
				t.Fatalf("maker %v: %v\n%s", cmdArgs, err, stderr.Bytes())
			}
			break
		}
		kills++
		runs := listRuns(t, path)
		switch {
		case len(runs) > 1:
			t.Fatalf("%d runs journaled, want 1", len(runs))
		case len(runs) == 1:
			id = runs[0].ID
			if runs[0].Steps > 0 && runs[0].Steps < len(want) {
				midKills++
			}
		}
		if len(runs) == 1 && runs[0].Status == maker.StatusDone {
			// Killed between recording the end and exiting: nothing is
			// left to resume.
			final.Reset()
			break
		}
	}
	t.Logf("%d kills, %d after a commit", kills, midKills)
	if midKills == 0 {
		t.Fatal("no kill landed mid-run: the test did not test resumption")
	}
	var got struct {
		RunID      string `json:"run_id"`
		Success    bool   `json:"success"`
		StartStep  int    `json:"start_step"`
		FinalState string `json:"final_state"`
		Depth      int    `json:"speculation_depth"`
	}
	if final.Len() > 0 {
		if err := json.Unmarshal(final.Bytes(), &got); err != nil {
			t.Fatalf("last session's output %q: %v", final.Bytes(), err)
		}
		if len(extra) > 0 && got.Depth == 0 {
			t.Errorf("the resumed session did not speculate")
		}
		if !got.Success || got.FinalState != ref.FinalState || got.RunID != id {
			t.Errorf("last session: %+v, want success ending in %s", got, ref.FinalState)
		}
	}
	steps := loadSteps(t, path, id)
	if len(steps) != len(want) {
		t.Fatalf("journaled %d steps, want %d", len(steps), len(want))
	}
	for i := range want {
		if steps[i] != want[i] {
			t.Fatalf("step %d: %+v, uninterrupted run %+v", i+1, steps[i], want[i])
		}
	}
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	run, err := db.Run(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != maker.StatusDone || run.Steps != len(want) || len(run.Sessions) < 2 {
		t.Errorf("run %s: status %s, %d steps, %d sessions", id, run.Status, run.Steps, len(run.Sessions))
	}
	for i := 1; i < len(run.Sessions); i++ {
		if run.Sessions[i].StartStep < run.Sessions[i-1].StartStep {
			t.Errorf("session %d starts at step %d, before session %d (%d)", i, run.Sessions[i].StartStep, i-1, run.Sessions[i-1].StartStep)
		}
	}
}

func listRuns(t *testing.T, path string) []*maker.RunRecord {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	runs, err := db.Runs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

// committedSteps is how many steps the journal at path holds for its one
// run, read without taking any lock a writer needs; 0 while it has none.
func committedSteps(path string) int {
	ctx := context.Background()
	db, err := maker.OpenJournal(ctx, path, true)
	if err != nil {
		return 0 // not made yet
	}
	defer db.Close()
	runs, err := db.Runs(ctx)
	if err != nil || len(runs) != 1 {
		return 0
	}
	return runs[0].Steps
}

// testShowMatchesRun checks that maker show reports what the run reported
// itself, that runs lists it and that --events wrote a line per step.
// With speculation (extra flags), the events also add up to the waste.
func testShowMatchesRun(t *testing.T, bin string, extra ...string) {
	dir := t.TempDir()
	path, events := filepath.Join(dir, "m.db"), filepath.Join(dir, "events.jsonl")
	var run map[string]any
	args := []string{"hanoi", "--disks", "6", "--sim-error", "0.1", "-q", "--json", "--db", path, "--events", events}
	runJSON(t, bin, &run, nil, append(args, extra...)...)
	id, _ := run["run_id"].(string)
	if id == "" {
		t.Fatalf("no run_id in %v", run)
	}
	var shown map[string]any
	runJSON(t, bin, &shown, nil, "show", id[:4], "--db", path, "--json")
	for k, v := range run {
		if k == "wall_seconds" || k == "disks" || k == "final_state" || k == "projection" {
			continue
		}
		if !reflect.DeepEqual(shown[k], v) {
			t.Errorf("show %s = %v, the run said %v", k, shown[k], v)
		}
	}
	var runs []map[string]any
	runJSON(t, bin, &runs, nil, "runs", "--db", path, "--json")
	if len(runs) != 1 || runs[0]["id"] != id || runs[0]["status"] != "done" {
		t.Errorf("runs = %v", runs)
	}

	f, err := os.Open(events)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n, wasted := 0, 0
	for sc.Scan() {
		var ev struct {
			Run       string `json:"run"`
			Step      int    `json:"step"`
			Simulated bool   `json:"simulated"`
			Wasted    int    `json:"speculative_wasted"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("event line %d: %v", n+1, err)
		}
		n++
		wasted += ev.Wasted
		if ev.Step != n || ev.Run != id || !ev.Simulated {
			t.Fatalf("event %d: %+v", n, ev)
		}
	}
	if steps := int(run["steps"].(float64)); n != steps {
		t.Errorf("%d events, want one per step (%d)", n, steps)
	}
	if w := int(run["speculative_wasted"].(float64)); wasted != w {
		t.Errorf("events say %d samples wasted, the run %d", wasted, w)
	}
	if len(extra) > 0 && run["speculative_steps"].(float64) == 0 {
		t.Errorf("no step started ahead: %v", run)
	}
}

// testReplay journals a run with a high error rate, so that k matters, and
// re-decides it with its own k and others.
func testReplay(t *testing.T, bin string) {
	path := filepath.Join(t.TempDir(), "m.db")
	var run struct {
		RunID      string `json:"run_id"`
		Steps      int    `json:"steps"`
		StepsOverK int    `json:"steps_over_k"`
	}
	// A wrong or undecided step fails the run (exit 1); what was decided is
	// journaled and replayable all the same.
	runJSON(t, bin, &run, []int{1}, "hanoi", "--disks", "7", "--sim-error", "0.25", "--k", "2", "-q", "--json", "--db", path)
	if run.StepsOverK == 0 {
		t.Fatal("no step needed more than k votes: k would not matter")
	}
	votes := map[int][]string{} // valid votes in arrival order, by 1-based step
	recorded := map[int]string{}
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Steps(context.Background(), run.RunID, 0, -1, func(r *maker.StepRecord) error {
		recorded[r.Step+1] = r.Key
		for _, s := range r.Samples {
			if s.Voted {
				votes[r.Step+1] = append(votes[r.Step+1], s.Key)
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	type replay struct {
		Steps, Same, Different, Undecided int
		Changed                           []maker.StepReplay
	}
	tests := []struct {
		k     int
		check func(t *testing.T, r replay)
	}{
		{2, func(t *testing.T, r replay) {
			if r.Same != run.Steps || len(r.Changed) != 0 {
				t.Errorf("with the run's own k: %+v", r)
			}
		}},
		{1, func(t *testing.T, r replay) {
			// With k=1 the first valid vote wins.
			wantDiff := 0
			for step, v := range votes {
				if v[0] != recorded[step] {
					wantDiff++
				}
			}
			if wantDiff == 0 {
				t.Fatal("every first vote was right: k=1 would not differ")
			}
			if r.Different != wantDiff || r.Undecided != 0 || r.Same != run.Steps-wantDiff {
				t.Errorf("k=1: %d different, %d undecided, want %d and 0", r.Different, r.Undecided, wantDiff)
			}
		}},
		{4, func(t *testing.T, r replay) {
			// Ahead by 4 needs at least 4 votes; the run drew about 2 a step.
			short := 0
			for _, v := range votes {
				if len(v) < 4 {
					short++
				}
			}
			if r.Undecided < short || r.Same+r.Different+r.Undecided != run.Steps {
				t.Errorf("k=4: %+v; %d steps had fewer than 4 votes", r, short)
			}
			for _, c := range r.Changed {
				if c.Decided && c.Used < 4 {
					t.Errorf("step %d decided at k=4 after %d votes", c.Step, c.Used)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run("k="+strconv.Itoa(tt.k), func(t *testing.T) {
			var r replay
			runJSON(t, bin, &r, nil, "replay", run.RunID, "--db", path, "--k", strconv.Itoa(tt.k), "--limit", "0", "--json")
			if r.Steps != run.Steps || r.Same+r.Different+r.Undecided != r.Steps || len(r.Changed) != r.Different+r.Undecided {
				t.Fatalf("replay counts do not add up: %+v (run decided %d steps)", r, run.Steps)
			}
			tt.check(t, r)
		})
	}
}
