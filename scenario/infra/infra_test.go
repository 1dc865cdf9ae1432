package infra

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
	"github.com/maker-go/maker/scenario/internal/scentest"
)

func mustTask(t *testing.T, n int, seed uint64) *Task {
	t.Helper()
	return scentest.Must(t, Generate, New, n, seed)
}

func TestBadInstances(t *testing.T) {
	tests := []struct {
		name, json string
		want       []string
	}{
		{"unknown dependency", `{"resources":[{"name":"db","deps":["vpc"],"minutes":5,"hourly_usd":0.1}]}`, []string{"db", `unknown resource "vpc"`}},
		{"cycle", `{"resources":[{"name":"app","deps":["db"],"minutes":1,"hourly_usd":0},{"name":"db","deps":["app"],"minutes":1,"hourly_usd":0}]}`, []string{"cycle", "app -> db -> app"}},
		{"zero minutes", `{"resources":[{"name":"vpc","deps":[],"minutes":0,"hourly_usd":0}]}`, []string{"resource vpc", "minutes"}},
		{"negative price", `{"resources":[{"name":"vpc","deps":[],"minutes":1,"hourly_usd":-1}]}`, []string{"resource vpc", "hourly_usd"}},
		{"negative limit", `{"max_parallel":-2,"resources":[{"name":"vpc","deps":[],"minutes":1,"hourly_usd":0}]}`, []string{"max_parallel"}},
		{"duplicate", `{"resources":[{"name":"vpc","deps":[],"minutes":1,"hourly_usd":0},{"name":"vpc","deps":[],"minutes":1,"hourly_usd":0}]}`, []string{"resource vpc is defined twice"}},
		{"misspelt field", `{"resources":[{"name":"vpc","deps":[],"minute":1,"hourly_usd":0}]}`, []string{"minute"}},
		{"no resources", `{"resources":[]}`, []string{"no resources"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.json))
			scentest.RejectsInstance(t, err, tt.want...)
		})
	}
}

func TestGenerate(t *testing.T) {
	for _, n := range []int{1, 7, DefaultSize, 95, 1000} {
		a := scentest.Seeded(t, Generate, n, 3)
		if len(a.Resources) != n {
			t.Errorf("n=%d: %d resources", n, len(a.Resources))
		}
		task, err := New(a)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if len(task.Reference()) != task.Steps() {
			t.Errorf("n=%d: reference has %d events, want %d", n, len(task.Reference()), task.Steps())
		}
	}
	a, _ := Generate(DefaultSize, 1)
	c, _ := Generate(DefaultSize, 2)
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Error("seeds 1 and 2 gave the same instance")
	}
}

// TestReferenceSchedule checks the rule's schedule independently of the
// state code: every resource starts after its dependencies finish, no more
// than the limit overlap, nothing sits idle that the rule would start, and
// the cost is each resource's price over its time up to the end.
func TestReferenceSchedule(t *testing.T) {
	in, _ := Generate(200, 4)
	task, err := New(in)
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, a := range task.Reference() {
		acts = append(acts, a.String())
	}
	sc, err := task.Replay(acts)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Entry{}
	for _, e := range sc.Entries {
		byName[e.Name] = e
	}
	var cost float64
	for _, r := range in.Resources {
		e, ok := byName[r.Name]
		if !ok {
			t.Fatalf("%s not scheduled", r.Name)
		}
		if e.Finish-e.Start != r.Minutes {
			t.Errorf("%s takes %d minutes, want %d", r.Name, e.Finish-e.Start, r.Minutes)
		}
		for _, d := range r.Deps {
			if byName[d].Finish > e.Start {
				t.Errorf("%s starts at %d before %s finishes at %d", r.Name, e.Start, d, byName[d].Finish)
			}
		}
		cost += r.HourlyUSD * float64(sc.Minutes-e.Start) / 60
	}
	for m := 0; m < sc.Minutes; m++ {
		n := 0
		for _, e := range sc.Entries {
			if e.Start <= m && m < e.Finish {
				n++
			}
		}
		if n > DefaultParallel {
			t.Fatalf("minute %d: %d provisioning", m, n)
		}
	}
	if math.Abs(cost-sc.CostUSD) > 1e-9 || sc.Peak != DefaultParallel {
		t.Errorf("cost %g (want %g), peak %d", sc.CostUSD, cost, sc.Peak)
	}
}

func TestParse(t *testing.T) {
	task := mustTask(t, DefaultSize, 1)
	good := "Rule A applies.\naction = start prod-sg\nnext_clock = 4\nnext_provisioning = [prod-subnet-a@6, prod-sg@5]\nnext_ready = [prod-subnet-b]\nnext_waiting = [prod-db:2]"
	c, err := task.Parse(good)
	if err != nil {
		t.Fatal(err)
	}
	if c.Action != "start prod-sg" || c.State.Clock != 4 || c.State.Provisioning[0] != (Job{"prod-sg", 5}) || c.State.Waiting["prod-db"] != 2 {
		t.Errorf("parsed %+v", c)
	}
	same, err := task.Parse("action = start prod-sg\nnext_clock=4\nnext_provisioning=[prod-sg@5,prod-subnet-a@6]\nnext_ready=[prod-subnet-b]\nnext_waiting=[prod-db:2]")
	if err != nil {
		t.Fatal(err)
	}
	if task.Key(c) != task.Key(same) {
		t.Errorf("keys differ: %q, %q", task.Key(c), task.Key(same))
	}
	bad := map[string]string{
		"verb":          strings.Replace(good, "start prod-sg", "launch prod-sg", 1),
		"two spaces":    strings.Replace(good, "start prod-sg", "start  prod-sg", 1),
		"unknown":       strings.Replace(good, "start prod-sg", "start prod-nat", 1),
		"clock word":    strings.Replace(good, "next_clock = 4", "next_clock = four", 1),
		"clock sign":    strings.Replace(good, "next_clock = 4", "next_clock = +4", 1),
		"no finish":     strings.Replace(good, "prod-sg@5", "prod-sg", 1),
		"both lists":    strings.Replace(good, "[prod-subnet-b]", "[prod-subnet-b, prod-sg]", 1),
		"missing line":  strings.Replace(good, "next_ready = [prod-subnet-b]\n", "", 1),
		"unknown ready": strings.Replace(good, "[prod-subnet-b]", "[prod-subnet-c]", 1),
	}
	for name, text := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := task.Parse(text); !errors.Is(err, maker.ErrMalformed) {
				t.Errorf("got %v, want a format error", err)
			}
		})
	}
}

func TestOracleAndChecker(t *testing.T) {
	for _, n := range []int{DefaultSize, 150} {
		task := mustTask(t, n, 2)
		scentest.WalkOracle(t, task, scentest.Strings(task.Reference()), 2)
	}
}

func TestOracleIgnoresOtherPrompts(t *testing.T) {
	scentest.IgnoresOtherPrompts(t, mustTask(t, DefaultSize, 1))
}

func TestCheckerNamesTheRule(t *testing.T) {
	in := &Instance{MaxParallel: 2, Resources: []Resource{
		{Name: "vpc", Deps: []string{}, Minutes: 3},
		{Name: "dns", Deps: []string{}, Minutes: 1},
		{Name: "bucket", Deps: []string{}, Minutes: 2},
		{Name: "db", Deps: []string{"vpc"}, Minutes: 10},
	}}
	task, err := New(in)
	if err != nil {
		t.Fatal(err)
	}
	s0 := task.Initial() // ready = [bucket, dns, vpc]
	full := State{Clock: 0, Provisioning: []Job{{"bucket", 2}, {"dns", 1}}, Frontier: scenario.Frontier{Ready: []string{"vpc"}, Waiting: map[string]int{}}}
	tests := []struct {
		before State
		action string
		want   string
	}{
		{s0, "start dns", "tie-break broken: started dns, but bucket is the smallest"},
		{s0, "start db", "dependency broken: started db"},
		{full, "start vpc", "limit broken: started vpc while 2 resources were provisioning (limit 2)"},
		{full, "complete bucket", "finish order broken: completed bucket (finishes at 2) before dns (finishes at 1)"},
		{State{Provisioning: []Job{{"bucket", 2}}, Frontier: scenario.Frontier{Ready: []string{"dns", "vpc"}, Waiting: map[string]int{}}}, "complete bucket", "rule A skipped"},
	}
	for _, tt := range tests {
		err := task.Check(0, tt.before, maker.Candidate[State]{Action: tt.action, State: tt.before})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.action, err, tt.want)
		}
	}
	a, next, _ := task.Next(s0)
	next.Provisioning[0].Finish = 3
	if err := task.Check(0, s0, maker.Candidate[State]{Action: a.String(), State: next}); err == nil || !strings.Contains(err.Error(), "wrong next state") {
		t.Errorf("wrong finish minute: got %v", err)
	}
}

func TestRunDefaultSize(t *testing.T) {
	task := mustTask(t, DefaultSize, 1)
	res := scentest.RunSim(t, task, 3, 2*DefaultSize)
	sc, err := task.Replay(res.Actions)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Minutes != res.State.Clock || sc.Minutes == 0 {
		t.Errorf("schedule ends at %d, state clock %d", sc.Minutes, res.State.Clock)
	}
}

// TestVotingRemovesErrors: with e = 0.25 a valid vote is right with
// probability about 0.81, so a k=1 run of 40 events succeeds with
// probability 0.81^40 < 1e-3: essentially all 30 runs fail, and fewer than
// 25 would be a surprise beyond 1e-6. At k_min the run fails with
// probability under 5%: 1.5 failures expected, more than 6 has probability
// below 1e-3.
func TestVotingRemovesErrors(t *testing.T) {
	const runs, e = 30, 0.25
	task := mustTask(t, DefaultSize, 1)
	ref := task.Reference()
	verify := func(res *maker.Result[State]) error {
		if _, err := task.Replay(res.Actions); err != nil {
			return err
		}
		for i, a := range res.Actions {
			if a != ref[i].String() {
				return fmt.Errorf("event %d differs", i+1)
			}
		}
		return nil
	}
	scentest.VotingRemovesErrors(t, task, e, runs, 25, 6, verify)
}

// TestSystemPromptExample checks that the worked example in the system
// prompt follows the rule.
func TestSystemPromptExample(t *testing.T) {
	in := &Instance{Resources: []Resource{
		{Name: "vpc", Deps: []string{}, Minutes: 3}, {Name: "x", Deps: []string{}, Minutes: 1},
		{Name: "sg", Deps: []string{"vpc"}, Minutes: 1}, {Name: "db", Deps: []string{"vpc", "x"}, Minutes: 9},
	}}
	task, err := New(in)
	if err != nil {
		t.Fatal(err)
	}
	before := State{Clock: 0, Provisioning: []Job{{"vpc", 3}}, Frontier: scenario.Frontier{Ready: []string{}, Waiting: map[string]int{}}}
	_, example, ok := strings.Cut(task.system, "The answer ends with:\n")
	if !ok {
		t.Fatal("no example answer in the system prompt")
	}
	example, _, _ = strings.Cut(example, "\n\n")
	c, err := task.Parse(example)
	if err != nil {
		t.Fatal(err)
	}
	a, next, _ := task.Next(before)
	if want := (maker.Candidate[State]{Action: a.String(), State: next}); task.Key(c) != task.Key(want) {
		t.Errorf("the example answers %s, the rule gives %s", task.Key(c), task.Key(want))
	}
}
