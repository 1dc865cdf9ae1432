package plan

import (
	"errors"
	"math"
	"testing"
)

func TestHardSteps(t *testing.T) {
	tests := []struct {
		name        string
		base        float64
		hard        Hard
		steps       int
		unreachable bool
	}{
		{"no hard steps is the flat plan", 0.998, Hard{}, 1_000_000, false},
		{"hard steps above one half need a larger k", 0.998, Hard{Share: 0.01, P: 0.68}, 1023, false},
		{"hard steps at one half: no k", 0.998, Hard{Share: 0.01, P: 0.5}, 1023, true},
		{"hard steps below one half: no k", 0.998, Hard{Share: 0.001, P: 0.4}, 100_000, true},
		{"a few hard steps below one half in a short task still reach it", 0.998, Hard{Share: 0.00001, P: 0.4}, 1000, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := KMinHard(tt.base, tt.hard, tt.steps, 0.95)
			if tt.unreachable {
				if !errors.Is(err, ErrUnreachable) {
					t.Fatalf("k = %d, err %v; want ErrUnreachable", k, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s, _ := SuccessFullHard(tt.base, tt.hard, k, tt.steps)
			if s < 0.95 {
				t.Errorf("success %.4f at k = %d, under the target", s, k)
			}
			if k > 1 {
				if prev, _ := SuccessFullHard(tt.base, tt.hard, k-1, tt.steps); prev >= 0.95 {
					t.Errorf("k = %d is not the least: k-1 gives %.4f", k, prev)
				}
			}
			if tt.hard.Share == 0 {
				if flat, _ := KMin(tt.base, tt.steps, 0.95, 1); flat != k {
					t.Errorf("k = %d, the flat plan's is %d", k, flat)
				}
			}
		})
	}
	// The expected votes hold on both sides of one half.
	if e := expectedVotesAny(0.5, 4); e != 16 {
		t.Errorf("E[N] at p = 0.5, k = 4: %g, want 16", e)
	}
	if a, b := expectedVotesAny(0.4, 3), expectedVotesAny(0.6, 3); math.Abs(a-b) > 1e-12 {
		t.Errorf("E[N] is not symmetric in p: %g and %g", a, b)
	}
}

// A plan with hard steps says what the flat plan would promise.
func TestComputeWithHardSteps(t *testing.T) {
	pl, err := Compute(Input{P: 0.9986, Steps: 1023, Target: 0.95, V: 0.998, Hard: Hard{Share: 0.01, P: 0.68}})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Flat == nil || pl.Flat.KMin >= pl.KMin || pl.Flat.TruePFull > 0.5 || pl.PFull < 0.95 {
		t.Fatalf("plan %+v, flat %+v: want a flat plan with a smaller k that fails more often than not", pl, pl.Flat)
	}
	if _, err := Compute(Input{P: 0.9986, Steps: 1023, Hard: Hard{Share: 0.02, P: 0.45}}); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("hard steps at p 0.45: %v, want ErrUnreachable", err)
	}
}
