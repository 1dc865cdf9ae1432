package apitest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/internal/scentest"
	"github.com/maker-go/maker/sim"
)

// runSuite runs inst against a fresh service with the simulator at the
// given error rate and seed, and returns the result, the task and the
// service's request log.
func runSuite(t *testing.T, inst *Instance, errRate float64, seed uint64, k int) (*maker.Result[State], *Task, []Logged, error) {
	t.Helper()
	svc, err := StartService(inst)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	task, err := New(inst, svc.URL)
	if err != nil {
		t.Fatal(err)
	}
	model := scentest.SimModel(t, task, seed, errRate)
	res, runErr := maker.Run(context.Background(), task, model, maker.Config{K: k, Ordered: true})
	task.Wait()
	return res, task, svc.Requests(), runErr
}

func TestDefaultSuiteRunsAgainstTheService(t *testing.T) {
	inst, err := Generate(DefaultUsers, 1)
	if err != nil {
		t.Fatal(err)
	}
	res, task, log, err := runSuite(t, inst, sim.DefaultConfig().ErrorRate, 1, 3)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if !res.Summary.Success || res.Summary.Steps != task.Steps() {
		t.Fatalf("success %v after %d steps (want %d): %s", res.Summary.Success, res.Summary.Steps, task.Steps(), res.Summary.FirstWrongWhy)
	}
	_, ref := inst.Reference()
	for id, want := range ref.Outcomes(inst) {
		if got := res.State.Outcomes(inst)[id]; got != want {
			t.Errorf("test %s ended %s, the reference says %s", id, got, want)
		}
	}
	// The service received every attempt that ran: one request per
	// attempt (two for a passing delete), with the injected ones marked.
	attempts := map[string]int{}
	injected := 0
	for _, l := range log {
		if l.Test == "" {
			t.Errorf("request %s %s came without a test header", l.Method, l.Path)
		}
		if l.Injected {
			injected++
		}
		if l.Method != http.MethodGet || !strings.HasPrefix(l.Path, "/users/") || l.Status != http.StatusNotFound {
			attempts[l.Test]++
		}
	}
	wantInjected := 0
	for i, tt := range inst.Tests {
		ts := res.State.Tests[i]
		if got := attempts[tt.ID]; got != ts.Attempts {
			t.Errorf("test %s: the service saw %d attempts, the state says %d", tt.ID, got, ts.Attempts)
		}
		wantInjected += min(ts.Attempts, tt.FailFirst)
	}
	if injected != wantInjected {
		t.Errorf("the service injected %d failures, want %d", injected, wantInjected)
	}
	// The instance exercises every rule: a retry, a skip and parallel slots.
	var retried, skipped bool
	for _, a := range res.Actions {
		retried = retried || strings.HasPrefix(a, VerbRetry)
		skipped = skipped || strings.HasPrefix(a, VerbSkip)
	}
	if !retried || !skipped {
		t.Errorf("default instance: retried %v, skipped %v; want both", retried, skipped)
	}
}

func TestSharedDataFlowsBetweenTests(t *testing.T) {
	inst := &Instance{MaxParallel: 3, MaxAttempts: 3, Tests: []Test{
		{ID: "t01", Op: OpCreate, User: "u1", Name: "ann", Deps: []string{}, Critical: true},
		{ID: "t02", Op: OpCreate, User: "u2", Name: "bob", Deps: []string{}, Critical: true},
		{ID: "t03", Op: OpUpdate, User: "u2", Name: "bob-v2", Deps: []string{"t02"}},
		{ID: "t04", Op: OpGet, User: "u2", Deps: []string{"t03"}},
	}}
	res, _, log, err := runSuite(t, inst, 0, 1, 1)
	if err != nil || !res.Summary.Success {
		t.Fatalf("run: %v, success %v", err, res.Summary.Success)
	}
	id := res.State.Vars["u2"]
	if id == "" || res.State.Vars["u2.name"] != "bob-v2" {
		t.Fatalf("shared data %v", res.State.Vars)
	}
	var put bool
	for _, l := range log {
		put = put || (l.Method == http.MethodPut && l.Path == "/users/"+id && l.Test == "t03")
	}
	if !put {
		t.Fatalf("the service never received the update of user %s: %+v", id, log)
	}
}

func TestCheckerReportsWrongActions(t *testing.T) {
	inst, err := Generate(DefaultUsers, 1)
	if err != nil {
		t.Fatal(err)
	}
	task, err := New(inst, "http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	s := inst.Initial()
	ans, err := task.Answer(task.Prompt(s, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	right, err := task.Parse(ans.Right)
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Check(0, s, right); err != nil {
		t.Fatalf("the right answer is reported: %v", err)
	}
	if len(ans.Wrong) < 2 {
		t.Fatalf("only %d wrong answers", len(ans.Wrong))
	}
	for _, w := range ans.Wrong {
		c, err := task.Parse(w)
		if err != nil {
			t.Fatalf("wrong answer does not parse: %v\n%s", err, w)
		}
		if task.Key(c) == task.Key(right) {
			t.Errorf("wrong answer votes with the right one: %s", w)
		}
		if err := task.Check(0, s, c); err == nil {
			t.Errorf("the checker passed a wrong answer: %s", w)
		}
	}
}

func TestParseRedFlags(t *testing.T) {
	inst, _ := Generate(DefaultUsers, 1)
	task, _ := New(inst, "http://127.0.0.1:1")
	scentest.RejectsParse(t, task.Parse,
		"action = start t01\nexpected = running=t01",                // missing input
		"action = start t01 name=ann1 id=3\nexpected = running=t01", // extra input
		"action = begin t01 name=ann1\nexpected = running=t01",      // unknown verb
		"action = start t99 name=ann1\nexpected = running=t99",      // no such test
		"action = start t01 name=ann1\nexpected = t01 is running",   // bad expectation
		"action = await t01 now\nexpected = running=none",           // stray word
		"start t01 name=ann1", // no labels
	)
}

func TestBadInstanceFiles(t *testing.T) {
	dir := t.TempDir()
	scentest.RejectsBadFiles(t, "i.json", func(p string) error {
		_, err := Load(p)
		return err
	}, []struct{ Name, Body, Want string }{
		{"not json", "{", "not JSON"},
		{"unknown field", `{"max_parallel":3,"max_attempts":3,"tests":[],"x":1}`, "unknown field"},
		{"no tests", `{"max_parallel":3,"max_attempts":3,"tests":[]}`, "no tests"},
		{"bad op", `{"max_parallel":3,"max_attempts":3,"tests":[{"id":"t01","op":"fly","deps":[]}]}`, "unknown op"},
		{"forward dep", `{"max_parallel":3,"max_attempts":3,"tests":[{"id":"t01","op":"create","user":"u1","name":"a","deps":["t02"]}]}`, "not an earlier test"},
		{"no user", `{"max_parallel":3,"max_attempts":3,"tests":[{"id":"t01","op":"get","user":"u1","deps":[]}]}`, "not created"},
		{"slots", `{"max_parallel":0,"max_attempts":3,"tests":[]}`, "max_parallel"},
	})
	if _, err := Load(filepath.Join(dir, "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

// TestVotingPreventsWrongRuns runs the default suite many times with a
// simulator that is wrong a quarter of the time: at k=1 the wrong actions
// reach the service, while at the planned k no run goes wrong.
func TestVotingPreventsWrongRuns(t *testing.T) {
	const runs, errRate = 40, 0.25
	inst, _ := Generate(DefaultUsers, 1)
	steps, ref := inst.Reference()
	// The chance that a k=1 run of this many steps has no wrong step is
	// 0.75^steps (below 1e-5), and k_min is planned for at least 95%
	// success, so more than 6 bad runs of 40 at k_min has a chance below 1%.
	scentest.VotingPreventsWrongRuns(t, steps, runs, errRate, 6, func(seed uint64, k int) bool {
		res, _, _, err := runSuite(t, inst, errRate, seed, k)
		wrongFinal := false
		for id, want := range ref.Outcomes(inst) {
			wrongFinal = wrongFinal || res.State.Outcomes(inst)[id] != want
		}
		return err != nil || res.Summary.WrongSteps > 0 || wrongFinal
	})
}

// TestRunsAreReproducible runs one suite several times with the same
// decisions: every step reports the same state, the ids the service gave
// included, though tests run side by side. A resumed run depends on it: it
// rebuilds the service by carrying out the journaled steps again.
func TestRunsAreReproducible(t *testing.T) {
	inst, err := Generate(8, 1)
	if err != nil {
		t.Fatal(err)
	}
	var first []string
	for run := range 8 {
		var states []string
		svc, err := StartService(inst)
		if err != nil {
			t.Fatal(err)
		}
		task, err := New(inst, svc.URL)
		if err != nil {
			t.Fatal(err)
		}
		cfg := maker.Config{K: 1, Ordered: true, Observers: []maker.Observer{maker.ObserverFunc(func(_ context.Context, rec *maker.StepRecord) error {
			states = append(states, fmt.Sprintf("%s -> %+v", rec.Action, rec.State))
			return nil
		})}}
		_, err = maker.Run(context.Background(), task, scentest.SimModel(t, task, 1, 0), cfg)
		task.Wait()
		svc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if run == 0 {
			first = states
			continue
		}
		for i := range min(len(states), len(first)) {
			if states[i] != first[i] {
				t.Fatalf("run %d, step %d:\n%s\nfirst run:\n%s", run+1, i+1, states[i], first[i])
			}
		}
		if len(states) != len(first) {
			t.Fatalf("run %d: %d steps, first run %d", run+1, len(states), len(first))
		}
	}
}
