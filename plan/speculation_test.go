package plan

import (
	"encoding/json"
	"math"
	"testing"
)

// TestSpeculationModel: the latency model against what simulated runs
// measure (scripts/bench-speculation.sh: 63 steps, k=3, median 50 ms, at
// depth 0 and at the automatic depth): wall per step over the median
// latency, within 10 %, and the share of samples thrown away.
func TestSpeculationModel(t *testing.T) {
	for _, c := range []struct {
		p, sigma     float64
		depth        int
		off, on      float64 // measured wall per step ÷ median
		wasteAtMost  float64
		wasteAtLeast float64
	}{
		{0.9978, 0.3, 8, 1.375, 0.833, 0.01, 0},
		{0.99, 0.3, 2, 1.417, 0.847, 0.02, 0.002},
		{0.9, 0.3, 0, 1.808, 1.808, 0, 0},
		{0.9978, 0.8, 8, 2.561, 0.757, 0.01, 0},
	} {
		s, err := ProjectSpeculation(c.p, 3, 1, c.sigma)
		if err != nil {
			t.Fatal(err)
		}
		if s.Depth != c.depth {
			t.Errorf("p=%g: depth %d, want %d", c.p, s.Depth, c.depth)
		}
		for _, x := range []struct {
			name      string
			got, want float64
		}{{"without", s.StepMedians, c.off}, {"with", s.SpeculativeStepMedians, c.on}} {
			if math.Abs(x.got-x.want) > 0.1*x.want {
				t.Errorf("p=%g sigma=%g %s speculation: %.3f medians a step, measured %.2f", c.p, c.sigma, x.name, x.got, x.want)
			}
		}
		if w := s.ExtraSamplesPerStep / s.SamplesPerStep; w > c.wasteAtMost || w < c.wasteAtLeast {
			t.Errorf("p=%g: %.2f%% extra samples, want %.2f%% to %.2f%%", c.p, 100*w, 100*c.wasteAtLeast, 100*c.wasteAtMost)
		}
		t.Logf("p=%g sigma=%g depth %d: %.3f / %.3f medians a step, %.3f%% extra samples", c.p, c.sigma, s.Depth, s.StepMedians, s.SpeculativeStepMedians, 100*s.ExtraSamplesPerStep/s.SamplesPerStep)
	}
}

// TestComputeProjectsSpeculation: the paper's run at a 1 s 90th-percentile
// latency, with and without speculation, in the plan and its JSON.
func TestComputeProjectsSpeculation(t *testing.T) {
	pl, err := Compute(Input{P: 0.9978, Steps: 1<<20 - 1, LatencySeconds: 1})
	if err != nil {
		t.Fatal(err)
	}
	if pl.SpeculationDepth != 8 || pl.SpeculativeWallSeconds >= 200*3600 || pl.WallSeconds <= pl.SpeculativeWallSeconds || pl.SpeculativeExtraSamples <= 0 {
		t.Fatalf("depth %d, %.0f h with speculation, %.0f h without, %.0f extra samples", pl.SpeculationDepth, pl.SpeculativeWallSeconds/3600, pl.WallSeconds/3600, pl.SpeculativeExtraSamples)
	}
	if want := math.Exp(-z90 * DefaultLatencySpread); math.Abs(pl.MedianLatencySeconds-want) > 1e-12 || pl.LatencySpread != DefaultLatencySpread {
		t.Fatalf("median %g s at sigma %g, want %g s", pl.MedianLatencySeconds, pl.LatencySpread, want)
	}
	b, _ := json.Marshal(pl)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"wall_seconds", "speculative_wall_seconds", "speculation_depth", "speculative_extra_samples", "latency_spread", "median_latency_seconds"} {
		if _, ok := m[key]; !ok {
			t.Errorf("the plan's JSON lacks %s", key)
		}
	}
	// No latency, no wall time.
	if pl, err := Compute(Input{P: 0.9978, Steps: 1023}); err != nil || pl.WallSeconds != 0 || pl.SpeculativeWallSeconds != 0 {
		t.Fatalf("without a latency: %v, %+v", err, pl)
	}
	if _, err := Compute(Input{P: 0.9978, Steps: 1023, LatencySeconds: 1, LatencySpread: -1}); err == nil {
		t.Fatal("a negative spread was taken")
	}
}
