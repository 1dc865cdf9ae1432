package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestTaskFileDataCLI runs the command-line tests of task files with inputs
// and actions on one build of the binary.
func TestTaskFileDataCLI(t *testing.T) {
	t.Parallel() // each case in a directory of its own, its runs in processes of their own
	bin := buildMaker(t)
	t.Run("ActionKillResume", func(t *testing.T) { t.Parallel(); testActionKillResume(t, bin) })
	t.Run("ChangedInputsRefused", func(t *testing.T) { t.Parallel(); testChangedInputsRefused(t, bin) })
	t.Run("LocatedErrors", func(t *testing.T) { t.Parallel(); testDataLocatedErrors(t, bin) })
	t.Run("FilesExample", func(t *testing.T) { t.Parallel(); testFilesExample(t, bin) })
	t.Run("MillionLineInputs", func(t *testing.T) { t.Parallel(); testMillionLineInputs(t, bin) })
}

// runCode runs maker and returns its exit code, stdout and stderr.
func runCode(t *testing.T, c *exec.Cmd) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	err := c.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), stdout.String(), stderr.String()
	case err != nil:
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// countingTask is a task of n steps whose action program logs "start N" and
// "end N" around a pause, so that a kill can land inside an action, and
// prints the step number as the next state.
func countingTask(t *testing.T, n int) (task, actlog string) {
	t.Helper()
	dir := t.TempDir()
	actlog = filepath.Join(dir, "actions.log")
	script := fmt.Sprintf(`#!/bin/sh
step=$(sed -n 's/.*"step":\([0-9]*\).*/\1/p')
echo "start $step" >> %q
sleep 0.3
echo "end $step" >> %q
echo "$step"
`, actlog, actlog)
	if err := os.WriteFile(filepath.Join(dir, "act.sh"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	task = filepath.Join(dir, "task.yaml")
	text := countingYAML(n)
	if err := os.WriteFile(task, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return task, actlog
}

// countingYAML is the task file of countingTask: n items, each decided as
// "do N" with state N by the program ./act.sh, and their expected answers.
func countingYAML(n int) string {
	var inputs, expected strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&inputs, "  - item %d\n", i)
		fmt.Fprintf(&expected, "  - {action: \"do %d\", state: \"%d\"}\n", i, i)
	}
	return `name: counting
system: Do the item.
user: "At {{.State}}: {{.Input}}"
initial: "0"
inputs:
` + inputs.String() + `answer:
  regex: '^(?P<action>do [0-9]+) -> (?P<state>[0-9]+)$'
  template: "{{.Action}} -> {{.State}}"
done:
  inputs: true
execute:
  command: [./act.sh]
expected:
` + expected.String()
}

// actionLog reads the action program's log: how many times each step's
// action started, and the last line.
func readActionLog(t *testing.T, path string) (starts map[int]int, last string) {
	t.Helper()
	starts = map[int]int{}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return starts, ""
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if s, ok := strings.CutPrefix(l, "start "); ok {
			n, _ := strconv.Atoi(s)
			starts[n]++
		}
		last = l
	}
	return starts, last
}

var refusedStep = regexp.MustCompile(`step (\d+)'s action was started`)

// testActionKillResume kills a run of an action task with SIGKILL, once
// while an action runs and once between actions, and resumes it: a resume
// refuses to run an interrupted action again and names its step, and with
// --reexecute runs it again. No other action ever runs twice.
func testActionKillResume(t *testing.T, bin string) {
	const steps = 8
	task, actlog := countingTask(t, steps)
	db := filepath.Join(t.TempDir(), "m.db")
	args := []string{"run", task, "--db", db, "-q", "--json", "--sim-latency", "400ms", "--k", "2"}
	allowed := map[int]int{} // steps whose action a --reexecute may run again
	// kill starts c and kills it when the action log shows cond.
	kill := func(c *exec.Cmd, cond func(starts map[int]int, last string) bool) {
		t.Helper()
		var stdout bytes.Buffer
		c.Stdout = &stdout
		c.Stderr = &stdout
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(60 * time.Second)
		for {
			starts, last := readActionLog(t, actlog)
			if cond(starts, last) {
				break
			}
			if time.Now().After(deadline) {
				c.Process.Kill()
				c.Wait()
				t.Fatalf("the condition never held; log ends %q; output %s", last, stdout.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
		if err := c.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		c.Wait()
		time.Sleep(400 * time.Millisecond) // the orphaned action ends
	}
	midAction := func(after int) func(map[int]int, string) bool {
		return func(starts map[int]int, last string) bool {
			return strings.HasPrefix(last, "start ") && len(starts) > after
		}
	}
	// 1. Killed inside an action.
	kill(makerCmd(t, bin, args...), midAction(2))
	runs := listRuns(t, db)
	if len(runs) != 1 {
		t.Fatalf("%d runs in the journal", len(runs))
	}
	runID := runs[0].ID
	// 2. Resume without --reexecute: refused, naming the step, and no action runs.
	refuse := func() int {
		t.Helper()
		before, _ := readActionLog(t, actlog)
		code, _, stderr := runCode(t, makerCmd(t, bin, "resume", runID, "--db", db, "-q", "--json"))
		after, _ := readActionLog(t, actlog)
		if fmt.Sprint(before) != fmt.Sprint(after) {
			t.Fatalf("a refused resume ran an action: %v, then %v", before, after)
		}
		m := refusedStep.FindStringSubmatch(stderr)
		if code != exitUsage || m == nil || !strings.Contains(stderr, "--reexecute") {
			t.Fatalf("resume after a kill inside an action: exit %d, stderr %q", code, stderr)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	maxStarted := func() int {
		starts, _ := readActionLog(t, actlog)
		m := 0
		for s := range starts {
			m = max(m, s)
		}
		return m
	}
	step := refuse()
	if step != maxStarted() {
		t.Fatalf("resume names step %d; the action log's last started step is %d", step, maxStarted())
	}
	// The journal names the interrupted step for anyone who looks.
	var shown struct {
		Interrupted *struct {
			Step     int  `json:"step"`
			Finished bool `json:"finished"`
		} `json:"interrupted_action"`
	}
	runJSON(t, bin, &shown, nil, "show", runID, "--db", db, "--json")
	if shown.Interrupted == nil || shown.Interrupted.Step != step {
		t.Errorf("maker show: interrupted action %+v, want step %d", shown.Interrupted, step)
	}
	allowed[step]++
	// 3. --reexecute runs it again; this time kill between two actions,
	// once the step before has had time to be committed.
	var seen time.Time
	kill(makerCmd(t, bin, "resume", runID, "--db", db, "-q", "--json", "--reexecute"), func(starts map[int]int, last string) bool {
		if !strings.HasPrefix(last, "end ") || len(starts) <= step+1 {
			seen = time.Time{}
			return false
		}
		if seen.IsZero() {
			seen = time.Now()
		}
		// The step is committed within the journal's batch interval
		// (200ms); the next vote takes a sample's latency (400ms).
		return time.Since(seen) > 300*time.Millisecond
	})
	// 4. Resume: it goes on from the last committed step, refusing only if
	// the kill caught an action whose step was not yet committed.
	code, stdout, stderr := runCode(t, makerCmd(t, bin, "resume", runID, "--db", db, "-q", "--json"))
	switch m := refusedStep.FindStringSubmatch(stderr); {
	case code == 0:
		if !strings.Contains(stdout, `"success":true`) {
			t.Fatalf("resumed run: %s", stdout)
		}
	case code == exitUsage && m != nil:
		n, _ := strconv.Atoi(m[1])
		allowed[n]++
		if code, stdout, stderr := runCode(t, makerCmd(t, bin, "resume", runID, "--db", db, "-q", "--json", "--reexecute")); code != 0 {
			t.Fatalf("resume --reexecute: exit %d\n%s%s", code, stdout, stderr)
		}
	default:
		t.Fatalf("resume: exit %d, stderr %q", code, stderr)
	}
	starts, _ := readActionLog(t, actlog)
	t.Logf("actions run: %v; run again by --reexecute: %v", starts, allowed)
	for s := 1; s <= steps; s++ {
		if starts[s] != 1+allowed[s] {
			t.Errorf("step %d's action ran %d times (allowed again by --reexecute: %d)", s, starts[s], allowed[s])
		}
	}
	if got := loadSteps(t, db, runID); len(got) != steps || got[steps-1].State != `"8"` {
		t.Errorf("journal holds %d steps, last %+v", len(got), got[len(got)-1])
	}
}

// testChangedInputsRefused: a run over an input file cannot resume once the
// file has changed.
func testChangedInputsRefused(t *testing.T, bin string) {
	dir := t.TempDir()
	var in, exp strings.Builder
	for i := 1; i <= 400; i++ {
		fmt.Fprintf(&in, "%d\n", i)
		fmt.Fprintf(&exp, "{\"action\":\"add %d\",\"state\":\"%d\"}\n", i, i*(i+1)/2)
	}
	files := map[string]string{"in.txt": in.String(), "exp.jsonl": exp.String(), "task.yaml": `name: sum
system: Add the number.
user: "Total {{.State}}; add {{.Input}}"
initial: "0"
inputs: in.txt
answer:
  regex: '^(?P<action>add [0-9]+) = (?P<state>[0-9]+)$'
  template: "{{.Action}} = {{.State}}"
done:
  inputs: true
expected_file: exp.jsonl
`}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "m.db")
	c := makerCmd(t, bin, "run", filepath.Join(dir, "task.yaml"), "--db", db, "-q", "--sim-latency", "5ms")
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	c.Process.Kill()
	c.Wait()
	runs := listRuns(t, db)
	if len(runs) != 1 {
		t.Fatalf("%d runs", len(runs))
	}
	if err := os.WriteFile(filepath.Join(dir, "in.txt"), []byte(strings.Replace(in.String(), "\n7\n", "\n8\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCode(t, makerCmd(t, bin, "resume", runs[0].ID, "--db", db, "-q"))
	if code != exitUsage || !strings.Contains(stderr, "data file in.txt has changed since the run started") {
		t.Fatalf("resume over a changed input file: exit %d, stderr %q", code, stderr)
	}
	// Restored, the file resumes: every step after the checkpoint reads its
	// own record (the expected answers would fail a step that did not).
	if err := os.WriteFile(filepath.Join(dir, "in.txt"), []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCode(t, makerCmd(t, bin, "resume", runs[0].ID, "--db", db, "-q", "--json"))
	if code != 0 || !strings.Contains(stdout, `"success":true`) || !strings.Contains(stdout, `"final_state":"80200"`) || !strings.Contains(stdout, `"wrong_steps":0`) {
		t.Fatalf("resume over the restored file: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if runs[0].Steps == 0 {
		t.Log("the kill landed before any step was committed")
	}
}

// testDataLocatedErrors: bad data and programs are reported with file and
// line, exit 2, before any model is asked (the model named here has no key).
func testDataLocatedErrors(t *testing.T, bin string) {
	dir := t.TempDir()
	head := "name: x\nsystem: s\nuser: \"{{.State}} {{.Input.n}}\"\ninitial: \"0\"\nanswer:\n  regex: '^(?P<action>a) (?P<state>[0-9]+)$'\n"
	tests := []struct {
		name, text, data, want string
	}{
		{"missing input file", head + "inputs: gone.csv\ndone: {inputs: true}\n", "", "task.yaml:7: inputs: "},
		{"ragged csv", head + "inputs: d.csv\ndone: {inputs: true}\n", "n,m\n1,2\n3\n", "d.csv:3: ragged row: 1 fields, the header has 2"},
		{"field the inputs lack", strings.Replace(head, ".Input.n", ".Input.amount", 1) + "inputs: d.csv\ndone: {inputs: true}\n", "n,m\n1,2\n", `task.yaml:3: user: {{.Input.amount}}: the inputs have no field "amount"`},
		{"program not found", head + "inputs: d.csv\ndone: {inputs: true}\nexecute: {command: [./nowhere.sh]}\n", "n,m\n1,2\n", "task.yaml:9: execute.command[0]: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sub := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(sub, "task.yaml"), []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.data != "" {
				if err := os.WriteFile(filepath.Join(sub, "d.csv"), []byte(tc.data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			c := makerCmd(t, bin, "run", filepath.Join(sub, "task.yaml"), "--model", "openai/gpt-4.1-mini", "--k", "1", "--no-journal")
			c.Env = append(c.Env, "OPENAI_API_KEY=")
			code, _, stderr := runCode(t, c)
			if code != exitUsage || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line with %q", code, stderr, tc.want)
			}
		})
	}
}

// testMillionLineInputs streams a 1,000,000-line input and a 1,000,000-line
// expected file through a journaled simulated run and bounds the process's
// peak resident memory.
func testMillionLineInputs(t *testing.T, bin string) {
	if os.Getenv("MAKER_LONG") == "" {
		t.Skip("a million steps take a minute or two: set MAKER_LONG=1 (.ci/run's long stage does)")
	}
	const n = 1_000_000
	dir := t.TempDir()
	in, err := os.Create(filepath.Join(dir, "in.txt"))
	if err != nil {
		t.Fatal(err)
	}
	exp, err := os.Create(filepath.Join(dir, "exp.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	iw, ew := bufio.NewWriter(in), bufio.NewWriter(exp)
	sum := 0
	for i := 1; i <= n; i++ {
		v := i%97 + 1
		sum += v
		fmt.Fprintf(iw, "%d\n", v)
		fmt.Fprintf(ew, "{\"action\":\"add %d\",\"state\":\"%d\"}\n", v, sum)
	}
	for _, err := range []error{iw.Flush(), ew.Flush(), in.Close(), exp.Close()} {
		if err != nil {
			t.Fatal(err)
		}
	}
	task := `name: million
system: Add the number to the total.
user: "Total {{.State}}; add {{.Input}}"
initial: "0"
inputs: in.txt
answer:
  regex: '^(?P<action>add [0-9]+) = (?P<state>[0-9]+)$'
  template: "{{.Action}} = {{.State}}"
done:
  inputs: true
expected_file: exp.jsonl
`
	if err := os.WriteFile(filepath.Join(dir, "task.yaml"), []byte(task), 0o644); err != nil {
		t.Fatal(err)
	}
	// k is planned for a million steps (--k auto), so the run succeeds.
	c := makerCmd(t, bin, "run", filepath.Join(dir, "task.yaml"), "--db", filepath.Join(dir, "m.db"), "-q", "--json")
	var stdoutB, stderrB bytes.Buffer
	c.Stdout, c.Stderr = &stdoutB, &stderrB
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	// The peak is read from /proc while the process runs: VmHWM is its own
	// high-water mark. (The rusage of a waited-for child is no use here: it
	// can report the RSS of the test binary it was forked from.)
	peak, pid := 0, c.Process.Pid
	exited, polled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(polled)
		for {
			if kb, ok := vmHWM(pid); ok {
				peak = max(peak, kb)
			}
			select {
			case <-exited:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	err = c.Wait()
	close(exited)
	<-polled
	code := 0
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := stdoutB.String(), stderrB.String()
	if peak == 0 {
		t.Skip("no /proc/PID/status VmHWM on this system")
	}
	t.Logf("1,000,000 input lines: peak RSS %d MiB, CPU %s", peak>>10, c.ProcessState.UserTime()+c.ProcessState.SystemTime())
	if peak>>10 >= 100 {
		t.Errorf("peak RSS %d MiB, want under 100 MiB", peak>>10)
	}
	if code != 0 || !strings.Contains(stdout, `"success":true`) || !strings.Contains(stdout, fmt.Sprintf(`"final_state":"%d"`, sum)) {
		t.Fatalf("exit %d\n%.2000s\n%s", code, stdout, stderr)
	}
}

// testFilesExample runs the action example and checks the directory it
// leaves: the files renamed and edited as the requests asked. A run with no
// journal acts in a fresh directory under the OS's temporary directory.
func testFilesExample(t *testing.T, bin string) {
	tmp := t.TempDir()
	c := makerCmd(t, bin, "run", "../../examples/yaml/files.yaml", "--no-journal", "-q", "--json")
	c.Env = append(c.Env, "TMPDIR="+tmp)
	code, stdout, stderr := runCode(t, c)
	if code != 0 || !strings.Contains(stdout, `"final_state":"done.txt:4 report.txt:3 summary.txt:2"`) {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	dirs, _ := filepath.Glob(filepath.Join(tmp, "maker-actions-*", "scratch"))
	if len(dirs) != 1 {
		t.Fatalf("%d action directories under $TMPDIR, want 1: %v", len(dirs), dirs)
	}
	scratch := dirs[0]
	want := map[string]string{
		"done.txt":    "line 1\nline 2\nline 3\nshipped\n",
		"report.txt":  "line 1\nline 2\nreviewed\n",
		"summary.txt": "line 1\nfinal\n",
	}
	entries, err := os.ReadDir(scratch)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Errorf("scratch holds %d files, want %d", len(entries), len(want))
	}
	for name, text := range want {
		b, err := os.ReadFile(filepath.Join(scratch, name))
		if err != nil || string(b) != text {
			t.Errorf("%s: %q, %v; want %q", name, b, err, text)
		}
	}
}

// vmHWM reads a running process's peak resident set size in KiB.
func vmHWM(pid int) (int, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return kb, err == nil
		}
	}
	return 0, false
}
