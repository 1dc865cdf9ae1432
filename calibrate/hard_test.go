package calibrate_test

import (
	"context"
	"testing"

	"github.com/maker-go/maker/calibrate"
	"github.com/maker-go/maker/sim"
)

// Several samples a step tell hard steps apart: on the simulator with 1%
// of its steps at error rate 0.4 the fit finds about 1% of steps whose
// valid votes are wrong about a third of the time (0.4 errors, of which
// the flagged 30% do not vote), and the ordinary steps' rate beside them;
// the collisions far exceed what independent errors would give.
func TestFindsHardSteps(t *testing.T) {
	task, pr := probes(t, 14, 3000, 3)
	cfg := sim.DefaultConfig()
	cfg.ErrorRate, cfg.HardFraction, cfg.HardErrorRate = 0.002, 0.01, 0.4
	m, _ := sim.New(task, cfg)
	rep, err := calibrate.Run(context.Background(), task, m, pr, calibrate.Options{PerStep: 8})
	if err != nil {
		t.Fatal(err)
	}
	h := rep.Hard
	t.Logf("hard: %+v", h)
	hardValidErr := 0.4 * 0.7 / (1 - 0.4*0.3)
	switch {
	case h.Share < 0.005 || h.Share > 0.02:
		t.Errorf("hard share %.4f, want about 0.01", h.Share)
	case h.P < 1-hardValidErr-0.08 || h.P > 1-hardValidErr+0.08:
		t.Errorf("hard p %.3f, want about %.3f", h.P, 1-hardValidErr)
	case h.BaseP < 0.997 || h.BaseP > 0.9995:
		t.Errorf("base p %.5f, want about %.5f", h.BaseP, 1-0.002*0.7)
	case h.CollisionRate < 5*h.ExpectedCollisionRate:
		t.Errorf("collision rate %.4f against %.4f expected: want far more", h.CollisionRate, h.ExpectedCollisionRate)
	}
	// Without hard steps there is one kind.
	cfg.HardFraction = 0
	m, _ = sim.New(task, cfg)
	rep, err = calibrate.Run(context.Background(), task, m, pr, calibrate.Options{PerStep: 8})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Hard.Share > 0.002 {
		t.Errorf("no hard steps simulated, but the fit says %+v", rep.Hard)
	}
}
