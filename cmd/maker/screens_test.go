package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/server"
)

// runUntil runs maker in this process with an events file and stops it,
// as Ctrl-C does, once the file holds at least n steps. It fails the test
// if maker ends before that.
func runUntil(t *testing.T, n int, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	events := filepath.Join(t.TempDir(), "events.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, append(args, "--events", events), &out, &errb) }()
	for stepsIn(events) < n {
		select {
		case code := <-done:
			t.Fatalf("maker %v ended (exit %d) before it decided %d steps:\n%s%s", args, code, n, out.String(), errb.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	code = <-done
	return out.String(), errb.String(), code
}

// stepsIn is the number of whole lines in an events file.
func stepsIn(path string) int {
	b, _ := os.ReadFile(path)
	return bytes.Count(b, []byte("\n"))
}

// makerRun runs maker in this process to its end.
func makerRun(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

// onlyRun is the id of the only run of a journal.
func onlyRun(t *testing.T, db string) string {
	t.Helper()
	r, ok := peekRun(db)
	if !ok {
		t.Fatalf("no single run in %s", db)
	}
	return r.ID
}

// TestStoppedRunScreens interrupts a journaled run and resumes it: no
// screen calls a run that did not fail FAILED. The interruption says where
// the run stopped and how to go on, with the interrupt's exit code; show
// says a live run is unfinished and a stopped one interrupted, with the
// command that resumes it, and counts resumptions in good English.
func TestStoppedRunScreens(t *testing.T) {
	db := filepath.Join(t.TempDir(), "j.db")
	args := []string{"hanoi", "--disks", "10", "--k", "1", "--sim-latency", "2ms", "-q", "--db", db}

	// show of the run while it runs, from another command.
	events := filepath.Join(t.TempDir(), "events.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, append(args, "--events", events), &out, &errb) }()
	for stepsIn(events) < 3 {
		select {
		case code := <-done:
			t.Fatalf("the run ended (exit %d) before 3 steps: %s", code, errb.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	id := onlyRun(t, db)
	shown, errs, code := makerRun("show", id, "--db", db)
	cancel()
	stopCode := <-done
	if code != 0 || !strings.Contains(shown, "result      unfinished (running, or its process was killed): ") || strings.Contains(shown, "FAILED") {
		t.Errorf("show of a running run: exit %d\n%s%s", code, shown, errs)
	}

	// The interruption itself.
	r, _ := peekRun(db)
	want := fmt.Sprintf("maker: interrupted: run %s stopped at step %s of 1,023; resume with maker resume %s\n", id, group(r.Steps), id)
	if stopCode != exitInterrupted || !strings.HasSuffix(errb.String(), want) || strings.Contains(errb.String(), "context canceled") {
		t.Errorf("interrupted run: exit %d, stderr ends %q; want exit %d and %q", stopCode, lastLine(errb.String()), exitInterrupted, want)
	}
	if !strings.Contains(out.String(), "result      interrupted: ") {
		t.Errorf("the interrupted run's summary:\n%s", out.String())
	}

	shown, errs, code = makerRun("show", id, "--db", db)
	if code != 0 || !strings.Contains(shown, "result      interrupted: ") || strings.Contains(shown, "FAILED") ||
		!strings.Contains(shown, "0 resumptions") || !strings.Contains(shown, "maker resume "+id) {
		t.Errorf("show of an interrupted run: exit %d\n%s%s", code, shown, errs)
	}

	// Resumed and interrupted again: one resumption.
	_, errs, code = runUntil(t, 3, "resume", id, "--db", db, "-q")
	if code != exitInterrupted || !strings.Contains(errs, "maker: interrupted: run "+id+" stopped at step ") {
		t.Errorf("interrupted resume: exit %d, stderr %q", code, lastLine(errs))
	}
	shown, _, _ = makerRun("show", id, "--db", db)
	if !strings.Contains(shown, "1 resumption,") {
		t.Errorf("show after one resumption:\n%s", shown)
	}
}

// TestInterruptUnjournaled: a run without a journal that is interrupted
// says so, and that it cannot be resumed.
func TestInterruptUnjournaled(t *testing.T) {
	_, errs, code := runUntil(t, 3, "hanoi", "--disks", "10", "--k", "1", "--sim-latency", "2ms", "-q", "--no-journal")
	if code != exitInterrupted || !regexp.MustCompile(`maker: interrupted at step [0-9,]+ of 1,023 \(not journaled: it cannot be resumed\)\n$`).MatchString(errs) {
		t.Errorf("exit %d, stderr ends %q", code, lastLine(errs))
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// group writes n with thousands separators, as the summary does.
func group(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// TestReplayExplainsUndecided: re-deciding a run with a larger k than it
// ran with leaves steps undecided, and replay says why in one line.
func TestReplayExplainsUndecided(t *testing.T) {
	db := filepath.Join(t.TempDir(), "j.db")
	if _, errs, code := makerRun("hanoi", "--disks", "4", "--k", "2", "-q", "--db", db); code != 0 {
		t.Fatalf("hanoi: exit %d: %s", code, errs)
	}
	id := onlyRun(t, db)
	out, errs, code := makerRun("replay", id, "--k", "5", "--db", db)
	want := "undecided   15: the run drew votes for a step only until one answer was 2 ahead; a k=5 vote needs votes it never drew\n"
	if code != 0 || !strings.Contains(out, want) {
		t.Errorf("replay --k 5 of a k=2 run: exit %d; want the line %q in\n%s%s", code, want, out, errs)
	}
	out, _, _ = makerRun("replay", id, "--db", db)
	if !strings.Contains(out, "undecided   0\n") {
		t.Errorf("replay with the run's own k:\n%s", out)
	}
}

// TestWatchExitCodes follows runs that ended every way on a service:
// watch exits as the run command itself would have, with a line that says
// how the run ended, and the step events it replays from the journal carry
// no zero time.
func TestWatchExitCodes(t *testing.T) {
	s := startTestService(t, filepath.Join(t.TempDir(), "service.db"))
	submit := func(args ...string) string {
		t.Helper()
		out, errs, code := makerRun(append([]string{"submit", "--server", s.url}, append(args, "--json")...)...)
		var sub struct {
			RunID string `json:"run_id"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &sub) != nil {
			t.Fatalf("submit %v: exit %d: %s%s", args, code, out, errs)
		}
		return sub.RunID
	}
	done := submit("hanoi", "--disks", "4", "--k", "2")
	failed := submit("hanoi", "--disks", "6", "--k", "1", "--sim-error", "0.4", "--seed", "3")
	budget := submit("hanoi", "--disks", "6", "--k", "2", "--max-samples-total", "10")
	stopped := submit("hanoi", "--disks", "12", "--k", "1", "--sim-latency", "20ms")
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var in runs.Info
		s.do("GET", "/v1/runs/"+stopped, nil, &in)
		if in.RunRecord != nil && in.Steps > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the run to cancel decided no step in 60s")
		}
	}
	if _, errs, code := makerRun("cancel", stopped, "--server", s.url); code != 0 {
		t.Fatalf("cancel: exit %d: %s", code, errs)
	}
	tests := []struct {
		name, id string
		code     int
		msg      string
	}{
		{"done", done, exitOK, ""},
		{"failed", failed, exitFailed, "maker: run " + failed + " failed at step "},
		{"budget", budget, exitBudget, "maker: run " + budget + " was stopped by a budget at step "},
		{"interrupted", stopped, exitInterrupted, "maker: run " + stopped + " was interrupted at step "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []string{"text", "json"} {
				args := []string{"watch", tt.id, "--server", s.url}
				if mode == "json" {
					args = append(args, "--json")
				}
				out, errs, code := makerRun(args...)
				if code != tt.code || !strings.Contains(errs, tt.msg) || (tt.msg == "") != (errs == "") {
					t.Errorf("watch (%s): exit %d, stderr %q; want exit %d and %q", mode, code, errs, tt.code, tt.msg)
				}
				if strings.Contains(out, "0001-01-01") {
					t.Errorf("watch (%s) replayed steps with a zero time:\n%s", mode, firstLines(out, 2))
				}
			}
		})
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// TestServiceErrorsSayWhatToDo: a service that cannot be reached, or that
// wants a token it was not given, is named with what to do about it, in
// one line.
func TestServiceErrorsSayWhatToDo(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()

	mgr, err := runs.New(context.Background(), filepath.Join(t.TempDir(), "s.db"), &runs.Runner{}, runs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(server.New(server.Config{Manager: mgr, Token: "s3cret-token"}))
	t.Cleanup(func() {
		hs.Close()
		mgr.Shutdown(context.Background())
	})

	tests := []struct {
		name  string
		token string
		args  []string
		want  string
	}{
		{"dead address", "", []string{"runs", "--server", dead}, "maker: cannot reach the service at " + dead + ": is maker serve running? ("},
		{"dead address, show", "", []string{"show", "abc", "--server", dead}, "maker: cannot reach the service at " + dead + ": is maker serve running? ("},
		{"no token", "", []string{"runs", "--server", hs.URL}, "the service wants a bearer token: set it in $MAKER_TOKEN (--token-env names another variable)"},
		{"wrong token", "not-it", []string{"runs", "--server", hs.URL}, "the service refused the token in $MAKER_TOKEN (--token-env names another variable)"},
		{"no token, other variable", "", []string{"runs", "--server", hs.URL, "--token-env", "MY_TOKEN"}, "set it in $MY_TOKEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("MAKER_TOKEN", tt.token)
			_, errs, code := makerRun(tt.args...)
			if code == 0 || !strings.Contains(errs, tt.want) || strings.Count(errs, "\n") != 1 || strings.Contains(errs, "s3cret") {
				t.Errorf("maker %v: exit %d, stderr %q; want one line with %q", tt.args, code, errs, tt.want)
			}
		})
	}
}

// TestResumedPaceCountsThisSession resumes a run half done, as on a
// terminal: the progress bar starts at the steps already decided, but its
// pace and time left count only the steps this session decides. A sample
// takes 20 ms (median) and a step at k=1 one sample, so no honest pace
// reaches 100 steps a second; the steps decided before the resume, counted
// as if decided at once, would.
func TestResumedPaceCountsThisSession(t *testing.T) {
	db := filepath.Join(t.TempDir(), "j.db")
	runUntil(t, 100, "hanoi", "--disks", "8", "--k", "1", "--sim-latency", "20ms", "-q", "--db", db)
	id := onlyRun(t, db)

	old := runs.IsTerminal
	runs.IsTerminal = func(io.Writer) bool { return true }
	t.Cleanup(func() { runs.IsTerminal = old })
	var out, errb bytes.Buffer
	run(context.Background(), []string{"resume", id, "--db", db}, &out, &errb)
	rate := regexp.MustCompile(`([0-9.]+) steps/s`)
	paced := 0
	for _, draw := range strings.Split(errb.String(), "\r") {
		m := rate.FindStringSubmatch(draw)
		if m == nil {
			continue
		}
		paced++
		if r, _ := strconv.ParseFloat(m[1], 64); r >= 100 {
			t.Errorf("the bar shows a pace of %s steps/s: %q", m[1], strings.TrimSpace(draw))
		}
	}
	if paced == 0 {
		t.Errorf("no pace shown on the bar: %q", errb.String())
	}
	if draws := strings.Split(errb.String(), "\r"); len(draws) > 2 {
		t.Logf("a late draw: %q", strings.TrimSpace(draws[len(draws)-3]))
	}
}

// TestFailedRunCountsInGoodEnglish: a run with one wrong step says "1
// wrong step".
func TestFailedRunCountsInGoodEnglish(t *testing.T) {
	_, errs, code := makerRun("requirements", "Build a simple task management API", "--sim-error", "0.15", "--k", "1", "--seed", "29", "--no-journal", "-q")
	if code != exitFailed || !strings.HasSuffix(errs, "maker: the task failed: 1 wrong step\n") {
		t.Errorf("exit %d, stderr ends %q", code, lastLine(errs))
	}
}

// TestReplayCountsInGoodEnglish: a step re-decided after one vote says
// "after 1 vote".
func TestReplayCountsInGoodEnglish(t *testing.T) {
	db := filepath.Join(t.TempDir(), "j.db")
	if _, errs, code := makerRun("hanoi", "--disks", "4", "--k", "2", "--sim-error", "0.3", "--seed", "1", "-q", "--db", db); code != 0 {
		t.Fatalf("hanoi: exit %d: %s", code, errs)
	}
	out, errs, code := makerRun("replay", onlyRun(t, db), "--k", "1", "--db", db)
	if code != 0 || !strings.Contains(out, " after 1 vote\n") || strings.Contains(out, " 1 votes") {
		t.Errorf("replay --k 1: exit %d\n%s%s", code, out, errs)
	}
}
