package maker

import (
	"fmt"
	"strings"
	"time"
)

// Spent is what a run spent before the session now running: the earlier
// sessions of a resumed run, as its journal adds them up. A [Budget]'s
// limits count it, so that they cap the whole run however often it is
// stopped and resumed.
type Spent struct {
	// CostUSD is the charged cost ([Usage.ChargedUSD]): the bill where the
	// provider reported one, as the session's own spending counts.
	CostUSD float64
	Samples int64
	Wall    time.Duration
}

// Spent is what the summary's sessions spent, as a later session's budget
// counts it: the charged cost, the samples and the wall time.
func (s *Summary) Spent() Spent {
	return Spent{
		CostUSD: s.ChargedUSD(),
		Samples: s.Samples,
		Wall:    time.Duration(s.WallSeconds * float64(time.Second)),
	}
}

// BudgetUse is a summary's account of the run's limits: the caps in force
// (zero: none) and what the sessions before this one spent. A run's total
// summary over its sessions (see [Summary.Merge]) carries the caps of its
// latest session that had any, and nothing before it: its own counters
// are the whole run's.
type BudgetUse struct {
	MaxCostUSD      float64 `json:"max_cost_usd,omitempty"`
	MaxSamplesTotal int64   `json:"max_samples_total,omitempty"`
	MaxWallSeconds  float64 `json:"max_wall_seconds,omitempty"`
	// CostUSDBefore, SamplesBefore and WallSecondsBefore are what the
	// run spent before this session (the cost as charged: see [Spent]).
	CostUSDBefore     float64 `json:"cost_usd_before,omitempty"`
	SamplesBefore     int64   `json:"samples_before,omitempty"`
	WallSecondsBefore float64 `json:"wall_seconds_before,omitempty"`
}

// use is the summary's account of b, nil when b limits nothing and
// nothing was spent before.
func (b Budget) use() *BudgetUse {
	if b == (Budget{}) {
		return nil
	}
	return &BudgetUse{
		MaxCostUSD: b.MaxCost, MaxSamplesTotal: b.MaxSamplesTotal, MaxWallSeconds: b.MaxWall.Seconds(),
		CostUSDBefore: b.Spent.CostUSD, SamplesBefore: b.Spent.Samples, WallSecondsBefore: b.Spent.Wall.Seconds(),
	}
}

// Caps are the limits of b without what was spent.
func (b Budget) Caps() Budget {
	b.Spent = Spent{}
	return b
}

// RunCostUSD is what the whole run has cost as its budget counts it: this
// summary's charged cost ([Usage.ChargedUSD], the bill where the provider
// reported one) and that of the sessions before it.
func (s *Summary) RunCostUSD() float64 {
	if s.Budget == nil {
		return s.ChargedUSD()
	}
	return s.ChargedUSD() + s.Budget.CostUSDBefore
}

// RunSamples is how many samples the whole run has drawn.
func (s *Summary) RunSamples() int64 {
	if s.Budget == nil {
		return s.Samples
	}
	return s.Samples + s.Budget.SamplesBefore
}

// SpentText says what the run has spent against its cost limit: "spent
// $1.2000 of $3" with a limit, "spent $1.2000" without.
func (s *Summary) SpentText() string {
	t := fmt.Sprintf("spent $%.4f", s.RunCostUSD())
	if s.Budget != nil && s.Budget.MaxCostUSD > 0 {
		t += fmt.Sprintf(" of $%g", s.Budget.MaxCostUSD)
	}
	return t
}

// mergeBudget keeps the caps of o, the later session, when it has any; a
// merged summary's counters are the whole run's, so nothing is before it.
func (s *Summary) mergeBudget(o *Summary) {
	if o.Budget == nil {
		return
	}
	b := *o.Budget
	b.CostUSDBefore, b.SamplesBefore, b.WallSecondsBefore = 0, 0, 0
	if b == (BudgetUse{}) {
		return
	}
	s.Budget = &b
}

// writeBudget writes the summary's budget line, when the run has a limit:
// what the whole run spent of each, "spent $4.2000 of $5; 310 of 500
// samples".
func (s *Summary) writeBudget(b *strings.Builder) {
	u := s.Budget
	if u == nil || (u.MaxCostUSD == 0 && u.MaxSamplesTotal == 0 && u.MaxWallSeconds == 0) {
		return
	}
	var parts []string
	if u.MaxCostUSD > 0 {
		parts = append(parts, s.SpentText())
	}
	if u.MaxSamplesTotal > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d samples", s.RunSamples(), u.MaxSamplesTotal))
	}
	if u.MaxWallSeconds > 0 {
		parts = append(parts, fmt.Sprintf("%.0fs of %.0fs wall", s.WallSeconds+u.WallSecondsBefore, u.MaxWallSeconds))
	}
	fmt.Fprintf(b, "budget      %s (the run's, over all its sessions)\n", strings.Join(parts, "; "))
}
