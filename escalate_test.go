package maker_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

// hardFor is a simulated model for which 1% of the steps are hard in a way
// voting cannot fix: its own (private) hard steps, where every sample is
// red-flagged, so the vote reaches its cap with no candidate at all.
func hardFor(t *testing.T, oracle maker.Oracle, name string) *sim.Model {
	t.Helper()
	cfg, err := sim.ParseName(name+"?hard=0.01&hard_error=1&flag_share=1&hard_steps=private", sim.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	m, err := sim.New(oracle, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestEscalateHardSteps runs 10-disk Hanoi (1,023 steps) on model A, for
// which about 1% of the steps cannot be decided. With the default policy
// the run stops at A's first hard step; escalating to model B decides
// every step right, and the summary counts the escalated steps, B's
// samples and their cost, with each escalated step naming B as the model
// that decided it.
func TestEscalateHardSteps(t *testing.T) {
	const disks, maxSamples = 10, 20
	task, err := hanoi.New(disks)
	if err != nil {
		t.Fatal(err)
	}
	a := hardFor(t, task, "sim/A")
	var hard []int
	for step := range task.Steps() {
		if a.Hard(step) {
			hard = append(hard, step)
		}
	}
	if len(hard) < 3 {
		t.Fatalf("A has %d hard steps of %d: the test needs several", len(hard), task.Steps())
	}
	bcfg, _ := sim.ParseName("sim/B?price_in=4&price_out=16", sim.DefaultConfig())
	b, err := sim.New(task, bcfg)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		escalate  bool
		speculate int
	}{
		{"error", false, 0},
		{"escalate", true, 0},
		{"escalate while voting ahead", true, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			decidedBy := map[int]string{}
			cfg := maker.Config{K: 3, MaxSamples: maxSamples, Ordered: true, Speculate: tc.speculate,
				Observers: []maker.Observer{maker.ObserverFunc(func(_ context.Context, rec *maker.StepRecord) error {
					mu.Lock()
					defer mu.Unlock()
					if by := rec.DecidedBy(); by != "" {
						decidedBy[rec.Step] = by
					}
					if r := maker.Redecide(rec, 0); !r.Same() {
						t.Errorf("step %d: replayed from its record as %+v, not as decided", rec.Step+1, r)
					}
					return nil
				})}}
			if tc.escalate {
				cfg.Escalate = &maker.Escalation{Name: "B", Model: b}
			}
			res, err := maker.Run(context.Background(), task, a, cfg)
			if !tc.escalate {
				var nc *maker.NoConsensusError
				if !errors.As(err, &nc) || nc.Step != hard[0]+1 || nc.Samples != maxSamples {
					t.Fatalf("err = %v; want no consensus at step %d (A's first hard step) after %d samples", err, hard[0]+1, maxSamples)
				}
				if res.Summary.EscalatedSteps != 0 || res.Summary.Success {
					t.Errorf("summary: %d escalated, success %v", res.Summary.EscalatedSteps, res.Summary.Success)
				}
				return
			}
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			s := res.Summary
			t.Logf("%d steps, %d wrong, %d escalated to %s: %d samples, $%.4f of $%.4f", s.Steps, s.WrongSteps,
				s.EscalatedSteps, s.EscalatedTo, s.EscalationSamples, s.EscalationCostUSD, s.CostUSD)
			if !s.Success || s.WrongSteps != 0 || s.Steps != task.Steps() {
				t.Errorf("success %v, %d of %d steps, %d wrong; want every step right", s.Success, s.Steps, task.Steps(), s.WrongSteps)
			}
			if s.EscalatedSteps != int64(len(hard)) || len(decidedBy) != len(hard) {
				t.Errorf("%d steps escalated, %d records name a deciding model; want A's %d hard steps", s.EscalatedSteps, len(decidedBy), len(hard))
			}
			for _, step := range hard {
				if decidedBy[step] != "B" {
					t.Errorf("step %d: decided by %q, want B", step+1, decidedBy[step])
				}
			}
			if s.EscalatedTo != "B" || s.EscalationSamples < int64(3*len(hard)) || s.EscalationCostUSD <= 0 || s.EscalationCostUSD >= s.CostUSD {
				t.Errorf("escalation: to %q, %d samples, $%.6f of $%.6f", s.EscalatedTo, s.EscalationSamples, s.EscalationCostUSD, s.CostUSD)
			}
			var text strings.Builder
			if err := s.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text.String(), "escalated   ") || !strings.Contains(text.String(), " to B: ") {
				t.Errorf("the summary does not show the escalation:\n%s", text.String())
			}
		})
	}
}

func TestParseOnNoConsensus(t *testing.T) {
	tests := []struct {
		in, model, err string
	}{
		{"", "", ""},
		{"error", "", ""},
		{"escalate:openai/gpt-4.1", "openai/gpt-4.1", ""},
		{"escalate:", "", "want a model name"},
		{"escalate: x", "", "want a model name"},
		{"plurality", "", "want error, escalate:MODEL or ask"},
		{"ask", "", ""},
	}
	for _, tc := range tests {
		m, err := maker.ParseOnNoConsensus(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || m != tc.model {
			t.Errorf("%q: %q, %v; want %q", tc.in, m, err, tc.model)
		}
	}
}
