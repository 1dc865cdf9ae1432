package sim_test

import (
	"context"
	"math"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

// TestErrorModel draws single samples across many steps and checks that the
// share of right, wrong and flagged answers matches the configured rates
// within 4 standard errors, and that hard steps repeat one wrong answer.
func TestErrorModel(t *testing.T) {
	task, _ := hanoi.New(10)
	cfg := sim.DefaultConfig()
	cfg.ErrorRate = 0.1
	cfg.HardFraction = 0.02
	cfg.HardErrorRate = 0.5
	m, err := sim.New(task, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rf, _ := maker.NewRedFlags(0, 0, nil)
	s, prev := task.Initial(), ""
	var n, wrong, flagged, hardSteps int
	hardWrong := map[string]int{}
	for step := 0; step < task.Steps(); step++ {
		p := task.Prompt(s, prev, step)
		ans, _ := task.Answer(p)
		hard := m.Hard(step)
		if hard {
			hardSteps++
		}
		for i := 0; i < 20; i++ {
			r, err := m.Generate(context.Background(), maker.Request{Prompt: p, Step: step, Sample: i, MaxTokens: 750})
			if err != nil {
				t.Fatal(err)
			}
			if hard {
				if r.Text != ans.Right && rf.Check(r) == maker.FlagNone {
					if _, err := task.Parse(r.Text); err == nil {
						hardWrong[r.Text]++
					}
				}
				continue
			}
			n++
			switch {
			case rf.Check(r) != maker.FlagNone:
				flagged++
			case r.Text == ans.Right:
			default:
				if _, err := task.Parse(r.Text); err != nil {
					flagged++
				} else {
					wrong++
				}
			}
		}
		right, _ := task.Parse(ans.Right)
		s, prev = right.State, right.Action
	}
	check := func(name string, got int, want float64) {
		se := math.Sqrt(want * (1 - want) / float64(n))
		if f := float64(got) / float64(n); math.Abs(f-want) > 4*se {
			t.Errorf("%s rate %.4f, want %.4f ± %.4f", name, f, want, 4*se)
		}
	}
	check("wrong", wrong, cfg.ErrorRate*(1-cfg.FlagShare))
	check("flagged", flagged, cfg.ErrorRate*cfg.FlagShare)
	if hardSteps == 0 || len(hardWrong) > hardSteps {
		t.Fatalf("%d hard steps gave %d distinct wrong answers; each should repeat one", hardSteps, len(hardWrong))
	}
}

func TestDeterministic(t *testing.T) {
	task, _ := hanoi.New(4)
	m, _ := sim.New(task, sim.DefaultConfig())
	p := task.Prompt(task.Initial(), "", 0)
	for i := 0; i < 50; i++ {
		req := maker.Request{Prompt: p, Step: 3, Sample: i, MaxTokens: 750}
		a, _ := m.Generate(context.Background(), req)
		b, _ := m.Generate(context.Background(), req)
		if a != b {
			t.Fatalf("sample %d differs between calls", i)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	task, _ := hanoi.New(3)
	for _, mut := range []func(*sim.Config){
		func(c *sim.Config) { c.ErrorRate = 1.5 },
		func(c *sim.Config) { c.FlagShare = -0.1 },
		func(c *sim.Config) { c.OutTokens = 0 },
		func(c *sim.Config) { c.Latency = -1 },
	} {
		cfg := sim.DefaultConfig()
		mut(&cfg)
		if _, err := sim.New(task, cfg); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
	if _, err := sim.New(nil, sim.DefaultConfig()); err == nil {
		t.Error("nil oracle accepted")
	}
}
