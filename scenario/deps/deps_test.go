package deps

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/internal/scentest"
)

func mustTask(t *testing.T, n int, seed uint64) *Task {
	t.Helper()
	return scentest.Must(t, Generate, New, n, seed)
}

func TestBadInstances(t *testing.T) {
	tests := []struct {
		name, json string
		want       []string // all must appear in the error
	}{
		{"unknown dependency", `{"modules":[{"name":"api","deps":["core"]}]}`, []string{"api", `unknown module "core"`}},
		{"cycle", `{"modules":[{"name":"a","deps":["b"]},{"name":"b","deps":["c"]},{"name":"c","deps":["a"]},{"name":"d","deps":[]}]}`, []string{"cycle", "a -> b -> c -> a"}},
		{"self dependency", `{"modules":[{"name":"a","deps":["a"]}]}`, []string{"a depends on itself"}},
		{"duplicate module", `{"modules":[{"name":"a","deps":[]},{"name":"a","deps":[]}]}`, []string{"module a is defined twice"}},
		{"duplicate dependency", `{"modules":[{"name":"a","deps":[]},{"name":"b","deps":["a","a"]}]}`, []string{"b lists dependency a twice"}},
		{"bad name", `{"modules":[{"name":"my module","deps":[]}]}`, []string{`"my module"`}},
		{"no modules", `{"modules":[]}`, []string{"no modules"}},
		{"misspelt field", `{"modules":[{"name":"a","depends":[]}]}`, []string{"depends"}},
		{"trailing data", `{"modules":[{"name":"a","deps":[]}]} {}`, []string{"after the JSON value"}},
		{"not json", `modules: [a]`, []string{"invalid character"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.json))
			scentest.RejectsInstance(t, err, tt.want...)
		})
	}
}

func TestGenerateIsSeededAndValid(t *testing.T) {
	for _, n := range []int{1, 2, DefaultSize, 48, 49, 500} {
		a := scentest.Seeded(t, Generate, n, 7)
		c, _ := Generate(n, 8)
		if n > 3 && fmt.Sprint(a) == fmt.Sprint(c) {
			t.Errorf("n=%d: seeds 7 and 8 gave the same instance", n)
		}
		task, err := New(a)
		if err != nil {
			t.Fatalf("n=%d: generated instance invalid: %v", n, err)
		}
		if got := len(task.Order()); got != n {
			t.Errorf("n=%d: order has %d modules", n, got)
		}
	}
	if _, err := Generate(0, 1); err == nil {
		t.Error("size 0 accepted")
	}
}

// TestOrderRespectsDependencies checks the reference order independently of
// the frontier code: every module comes after its dependencies, and at each
// point the chosen module is the smallest one whose dependencies are built.
func TestOrderRespectsDependencies(t *testing.T) {
	task := mustTask(t, 300, 3)
	g := task.Graph()
	built := map[string]bool{}
	for i, m := range task.Order() {
		var smallest string
		for _, n := range g.Names {
			if built[n] {
				continue
			}
			ok := true
			for _, d := range g.Deps[n] {
				ok = ok && built[d]
			}
			if ok {
				smallest = n
				break
			}
		}
		if m != smallest {
			t.Fatalf("step %d: order has %s, the rule gives %s", i+1, m, smallest)
		}
		built[m] = true
	}
}

func TestParse(t *testing.T) {
	task := mustTask(t, DefaultSize, 1)
	names := task.Graph().Names
	a, b, c := names[0], names[1], names[2]
	good := fmt.Sprintf("Reasoning first.\nbuild = %s\nnext_ready = [%s, %s]\nnext_waiting = [%s:2]", a, c, b, names[3])
	cand, err := task.Parse(good)
	if err != nil {
		t.Fatalf("good answer rejected: %v", err)
	}
	if cand.Action != a || !slices.Equal(cand.State.Ready, []string{b, c}) || cand.State.Waiting[names[3]] != 2 {
		t.Errorf("parsed %+v", cand)
	}
	// The same sets in another order and spacing vote together.
	other, err := task.Parse(fmt.Sprintf("build=%s\nNEXT_READY = [%s,%s]\n next_waiting=[%s : 2]", a, b, c, names[3]))
	if err != nil {
		t.Fatal(err)
	}
	if task.Key(cand) != task.Key(other) {
		t.Errorf("keys differ: %q vs %q", task.Key(cand), task.Key(other))
	}
	// The last occurrence wins.
	restated := "build = <module>\nnext_ready = [...]\nnext_waiting = [...]\n" + good
	if _, err := task.Parse(restated); err != nil {
		t.Errorf("restated format rejected: %v", err)
	}
	bad := []struct{ name, text string }{
		{"no build line", "next_ready = []\nnext_waiting = []"},
		{"unknown module", "build = nosuch\nnext_ready = []\nnext_waiting = []"},
		{"unknown ready", fmt.Sprintf("build = %s\nnext_ready = [nosuch]\nnext_waiting = []", a)},
		{"parentheses", fmt.Sprintf("build = %s\nnext_ready = (%s)\nnext_waiting = []", a, b)},
		{"duplicate", fmt.Sprintf("build = %s\nnext_ready = [%s, %s]\nnext_waiting = []", a, b, b)},
		{"both lists", fmt.Sprintf("build = %s\nnext_ready = [%s]\nnext_waiting = [%s:1]", a, b, b)},
		{"zero count", fmt.Sprintf("build = %s\nnext_ready = []\nnext_waiting = [%s:0]", a, b)},
		{"count word", fmt.Sprintf("build = %s\nnext_ready = []\nnext_waiting = [%s:two]", a, b)},
		{"missing count", fmt.Sprintf("build = %s\nnext_ready = []\nnext_waiting = [%s]", a, b)},
		{"empty item", fmt.Sprintf("build = %s\nnext_ready = [%s, ]\nnext_waiting = []", a, b)},
		{"not on own line", fmt.Sprintf("I build = %s\nnext_ready = []\nnext_waiting = []", a)},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := task.Parse(tt.text); !errors.Is(err, maker.ErrMalformed) {
				t.Errorf("got %v, want a format error", err)
			}
		})
	}
}

// TestOracleAndChecker walks the reference run: at every step the oracle's
// right answer parses and passes the checker, and every wrong answer parses
// (so it would vote) and is rejected by the checker with a reason.
func TestOracleAndChecker(t *testing.T) {
	for _, n := range []int{DefaultSize, 200} {
		task := mustTask(t, n, 5)
		scentest.WalkOracle(t, task, task.Order(), 1)
	}
}

func TestOracleIgnoresOtherPrompts(t *testing.T) {
	scentest.IgnoresOtherPrompts(t, mustTask(t, DefaultSize, 1))
}

func TestCheckerNamesTheRule(t *testing.T) {
	in := &Instance{Modules: []Module{
		{Name: "core", Deps: []string{}},
		{Name: "log", Deps: []string{}},
		{Name: "api", Deps: []string{"core", "log"}},
	}}
	task, err := New(in)
	if err != nil {
		t.Fatal(err)
	}
	s := task.Initial() // ready = [core, log]
	tests := []struct {
		action string
		state  State
		want   string
	}{
		{"log", State{Ready: []string{"core"}, Waiting: map[string]int{"api": 1}}, "tie-break broken: built log, but core is the smallest"},
		{"api", State{Ready: []string{"core", "log"}, Waiting: map[string]int{}}, "dependency broken: built api, which is not ready (it needs core, log)"},
		{"core", State{Ready: []string{"api", "log"}, Waiting: map[string]int{}}, "wrong next state after building core"},
	}
	for _, tt := range tests {
		err := task.Check(0, s, maker.Candidate[State]{Action: tt.action, State: tt.state})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.action, err, tt.want)
		}
	}
	waiting := State{Ready: []string{"log"}, Waiting: map[string]int{"api": 1}}
	err = task.Check(1, waiting, maker.Candidate[State]{Action: "api", State: State{Ready: []string{"log"}, Waiting: map[string]int{}}})
	if err == nil || !strings.Contains(err.Error(), "built api while 1 of its dependencies") {
		t.Errorf("waiting module: got %v", err)
	}
}

func TestRunDefaultSize(t *testing.T) {
	task := mustTask(t, DefaultSize, 1)
	res := scentest.RunSim(t, task, 3, DefaultSize)
	if !slices.Equal(res.Actions, task.Order()) {
		t.Errorf("actions %v, want %v", res.Actions, task.Order())
	}
}

// TestVotingRemovesErrors is the scenario's claim: with a model wrong on a
// quarter of its samples, single samples (k=1) get most runs wrong, and
// the planned k gets (almost) none wrong. With per-sample error e = 0.25 a
// valid vote is right with probability about 0.81, so a k=1 run of 12 steps
// succeeds with probability about 0.81^12 = 0.08: about 46 failures in 50
// runs, and fewer than 35 has probability below 1e-6. At k_min the whole
// run fails with probability under 5%: 2.5 failures expected, and more than
// 8 has probability below 1e-3.
func TestVotingRemovesErrors(t *testing.T) {
	const runs, e = 50, 0.25
	task := mustTask(t, DefaultSize, 1)
	verify := func(res *maker.Result[State]) error {
		if !slices.Equal(res.Actions, task.Order()) {
			return fmt.Errorf("wrong build order")
		}
		return nil
	}
	scentest.VotingRemovesErrors(t, task, e, runs, 35, 8, verify)
}

// TestSystemPromptExample checks that the worked example in the system
// prompt follows the procedure: its answer is what the task's rule gives.
func TestSystemPromptExample(t *testing.T) {
	in := &Instance{Modules: []Module{
		{Name: "api", Deps: []string{}}, {Name: "log", Deps: []string{}}, {Name: "base", Deps: []string{}},
		{Name: "cli", Deps: []string{"api"}}, {Name: "web", Deps: []string{"api", "base", "log"}},
	}}
	task, err := New(in)
	if err != nil {
		t.Fatal(err)
	}
	before := State{Ready: []string{"api", "log"}, Waiting: map[string]int{"web": 2}}
	_, example, ok := strings.Cut(systemPrompt, "The answer ends with:\n")
	if !ok {
		t.Fatal("no example answer in the system prompt")
	}
	example, _, _ = strings.Cut(example, "\n\n")
	c, err := task.Parse(example)
	if err != nil {
		t.Fatal(err)
	}
	x, next, _ := task.Next(before)
	if want := (maker.Candidate[State]{Action: x, State: next}); task.Key(c) != task.Key(want) {
		t.Errorf("the example answers %s, the procedure gives %s", task.Key(c), task.Key(want))
	}
}
