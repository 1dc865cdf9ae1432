package deploy

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/internal/scentest"
	"github.com/maker-go/maker/sim"
)

type outcome struct {
	res   *maker.Result[State]
	err   error
	probe ProbeReport
	fleet map[string]string // versions the instances report at the end
}

// deployOnce starts the fleet and the prober, deploys with the simulator,
// and stops everything.
func deployOnce(t *testing.T, in *Instance, errRate float64, seed uint64, k int) outcome {
	t.Helper()
	f, err := StartFleet(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	task, err := New(in, f)
	if err != nil {
		t.Fatal(err)
	}
	model := scentest.SimModel(t, task, seed, errRate)
	p := StartProber(f.URLs(), time.Millisecond, 1_000_000, time.Minute)
	time.Sleep(5 * time.Millisecond) // probes before the first action too
	res, runErr := maker.Run(context.Background(), task, model, maker.Config{K: k, Ordered: true})
	time.Sleep(5 * time.Millisecond)
	return outcome{res: res, err: runErr, probe: p.Stop(), fleet: f.Versions()}
}

func matchesReference(in *Instance, s State) bool {
	_, ref := in.Reference()
	return maps.Equal(s.Versions(in), ref.Versions(in)) && maps.Equal(s.Statuses(in), ref.Statuses(in))
}

func TestRollingDeploymentHasNoDowntime(t *testing.T) {
	in, err := Generate(DefaultInstances, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Services) != 5 || in.Total() != 19 {
		t.Fatalf("default fleet: %d services, %d instances", len(in.Services), in.Total())
	}
	o := deployOnce(t, in, sim.DefaultConfig().ErrorRate, 1, 3)
	if o.err != nil || !o.res.Summary.Success {
		t.Fatalf("run: %v (%s)", o.err, o.res.Summary.FirstWrongWhy)
	}
	for id, v := range o.fleet {
		if v != in.To {
			t.Errorf("%s runs %s, want %s", id, v, in.To)
		}
	}
	if !maps.Equal(o.res.State.Versions(in), o.fleet) {
		t.Errorf("the state says %v, the fleet %v", o.res.State.Versions(in), o.fleet)
	}
	if o.probe.Failed != 0 || o.probe.Requests < 50 {
		t.Fatalf("prober: %d failed of %d: %+v", o.probe.Failed, o.probe.Requests, o.probe.Failures)
	}
	// Canaries: a critical service verifies its first instance alone.
	canaries := 0
	for _, a := range o.res.Actions {
		if strings.HasPrefix(a, "verify ") {
			canaries++
		}
	}
	critical := 0
	for _, s := range in.Services {
		if s.Critical {
			critical++
		}
	}
	if canaries != len(in.Services)+critical {
		t.Errorf("%d stage checks, want %d (one per service, one more per critical canary)", canaries, len(in.Services)+critical)
	}
	t.Logf("%d steps, prober %d requests, 0 failed", o.res.Summary.Steps, o.probe.Requests)
}

func TestUnhealthyCanaryRollsBack(t *testing.T) {
	in, _ := Generate(DefaultInstances, 1)
	// Break the first critical service another one depends on.
	for _, s := range in.Services {
		for _, d := range s.Deps {
			if in.BadVersion == "" && in.Services[in.service(d)].Critical {
				in.BadVersion = d
			}
		}
	}
	if in.BadVersion == "" {
		t.Fatal("the default fleet has no critical dependency")
	}
	o := deployOnce(t, in, 0, 1, 1)
	if o.err != nil || !o.res.Summary.Success {
		t.Fatalf("run: %v (%s)", o.err, o.res.Summary.FirstWrongWhy)
	}
	bad := in.service(in.BadVersion)
	if st := o.res.State.Services[bad].Status; st != StatusRolledBack {
		t.Fatalf("%s ended %s, want rolledback", in.BadVersion, st)
	}
	for ni := range in.Services[bad].Instances {
		if v := o.fleet[fmt.Sprintf("%s/%d", in.BadVersion, ni+1)]; v != in.From {
			t.Errorf("%s/%d runs %s after the rollback", in.BadVersion, ni+1, v)
		}
	}
	held := 0
	for si, s := range in.Services {
		for _, d := range s.Deps {
			if d == in.BadVersion && o.res.State.Services[si].Status != StatusHeld {
				t.Errorf("%s depends on the rolled-back %s but ended %s", s.Name, d, o.res.State.Services[si].Status)
			}
		}
		if o.res.State.Services[si].Status == StatusHeld {
			held++
		}
	}
	if held == 0 || !matchesReference(in, o.res.State) {
		t.Fatalf("held %d; final %v", held, o.res.State.Statuses(in))
	}
	// The unhealthy canary never took traffic.
	if o.probe.Failed != 0 {
		t.Fatalf("prober: %d failed: %+v", o.probe.Failed, o.probe.Failures)
	}
}

// TestProberSeesInjectedFailure shows the prober is not blind: restarting
// a serving instance onto an unhealthy version without draining it makes
// requests through the load balancer fail.
func TestProberSeesInjectedFailure(t *testing.T) {
	in := &Instance{From: "v1", To: "v2", BadVersion: "api", Services: []Service{{Name: "api", Instances: 2, Deps: []string{}}}}
	f, err := StartFleet(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	task, _ := New(in, f)
	p := StartProber(f.URLs(), time.Millisecond, 100_000, time.Minute)
	s, err := task.Execute(context.Background(), task.Initial(), maker.Candidate[State]{Action: "upgrade api/1"})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	r := p.Stop()
	if r.Failed == 0 || len(r.Failures) == 0 {
		t.Fatalf("prober saw no failure in %d requests", r.Requests)
	}
	if !s.Services[0].Nodes[0].InRotation || s.Services[0].Nodes[0].Version != "v2" {
		t.Fatalf("state after the upgrade: %+v", s.Services[0].Nodes[0])
	}
}

func TestCheckerReportsWrongAnswers(t *testing.T) {
	in, _ := Generate(DefaultInstances, 1)
	in.BadVersion = in.Services[0].Name
	task := &Task{inst: in}
	s := in.initial()
	for {
		right, ok := in.Next(s)
		if !ok {
			break
		}
		ans, err := task.Answer(task.Prompt(s, "", 0))
		if err != nil {
			t.Fatal(err)
		}
		rc, err := task.Parse(ans.Right)
		if err != nil || task.Check(0, s, rc) != nil {
			t.Fatalf("right answer %q: %v / %v", ans.Right, err, task.Check(0, s, rc))
		}
		if len(ans.Wrong) != 3 {
			t.Fatalf("%d wrong answers for %s", len(ans.Wrong), in.Format(right))
		}
		for _, w := range ans.Wrong {
			c, err := task.Parse(w)
			if err != nil {
				t.Fatalf("wrong answer does not parse: %v\n%s", err, w)
			}
			if task.Key(c) == task.Key(rc) || task.Check(0, s, c) == nil {
				t.Errorf("the wrong answer %q is not told apart from %q", w, ans.Right)
			}
		}
		n := in.Intended(s, right)
		if right.Verb == VerbCheck && in.Services[right.Service].Name == in.BadVersion && s.Services[right.Service].Nodes[right.Node].Version == in.To {
			n.Services[right.Service].Nodes[right.Node].Checked = CheckedFailed
		}
		s = n
	}
}

func TestParseRedFlags(t *testing.T) {
	in, _ := Generate(DefaultInstances, 1)
	task := &Task{inst: in}
	scentest.RejectsParse(t, task.Parse,
		"action = drain api\nexpected = api/1 v1 out checked",       // needs an instance
		"action = verify api/1\nexpected = api done",                // needs a service
		"action = drain api/9\nexpected = api/9 v1 out checked",     // no such instance
		"action = drain cache/1\nexpected = cache/1 v1 out checked", // no such service
		"action = restart api/1\nexpected = api/1 v2 out unchecked", // unknown verb
		"action = drain api/1\nexpected = api/1 is drained",         // bad expectation
		"action = drain api/1 now\nexpected = api/1 v1 out checked", // stray word
		"action = drain api/01\nexpected = api/01 v1 out checked",   // not canonical
		"drain api/1", // no labels
	)
}

func TestBadInstanceFiles(t *testing.T) {
	scentest.RejectsBadFiles(t, "fleet.json", func(p string) error {
		_, err := Load(p)
		return err
	}, []struct{ Name, Body, Want string }{
		{"not json", "[", "got JSON array"},
		{"unknown field", `{"from":"v1","to":"v2","services":[],"regions":3}`, "unknown field"},
		{"same version", `{"from":"v1","to":"v1","services":[{"name":"a","instances":2,"deps":[]}]}`, "two different versions"},
		{"one instance", `{"from":"v1","to":"v2","services":[{"name":"a","instances":1,"deps":[]}]}`, "between 2 and 99"},
		{"forward dep", `{"from":"v1","to":"v2","services":[{"name":"a","instances":2,"deps":["b"]},{"name":"b","instances":2,"deps":[]}]}`, "not an earlier service"},
		{"bad name", `{"from":"v1","to":"v2","services":[{"name":"A B","instances":2,"deps":[]}]}`, "lower-case"},
		{"bad version target", `{"from":"v1","to":"v2","bad_version":"x","services":[{"name":"a","instances":2,"deps":[]}]}`, "bad_version"},
	})
}

// TestVotingPreventsWrongRuns: with a simulator wrong a quarter of the
// time, k=1 deployments break the procedure (and some drop requests),
// while deployments at the planned k do not.
func TestVotingPreventsWrongRuns(t *testing.T) {
	const runs, errRate = 20, 0.25
	in, _ := Generate(DefaultInstances, 1)
	steps, _ := in.Reference()
	dropped := map[int]int{} // runs with dropped requests, by k
	// A k=1 run is right with chance 0.75^steps (below 1e-10); k_min is
	// planned for at least 95% success, so more than 4 bad runs of 20 has
	// a chance below 1%.
	kPlan := scentest.VotingPreventsWrongRuns(t, steps, runs, errRate, 4, func(seed uint64, k int) bool {
		o := deployOnce(t, in, errRate, seed, k)
		if o.probe.Failed > 0 {
			dropped[k]++
		}
		return o.err != nil || o.res.Summary.WrongSteps > 0 || !matchesReference(in, o.res.State) || o.probe.Failed > 0
	})
	t.Logf("runs with dropped requests: %d at k=1, %d at k=%d", dropped[1], dropped[kPlan], kPlan)
	if dropped[kPlan] > 0 {
		t.Fatalf("k=%d: %d runs with dropped requests", kPlan, dropped[kPlan])
	}
}
