package infra

import (
	"fmt"
	"slices"
	"strings"
)

// Entry is one resource's place in a schedule.
type Entry struct {
	Name      string  `json:"name"`
	Start     int     `json:"start_minute"`
	Finish    int     `json:"finish_minute"`
	HourlyUSD float64 `json:"hourly_usd"`
}

// Schedule is what a sequence of events amounts to.
type Schedule struct {
	Entries []Entry `json:"entries"` // in start order
	// Minutes is when the last resource completes.
	Minutes int `json:"minutes"`
	// CostUSD is what the resources cost during the rollout: each one from
	// its start to the end of the whole rollout.
	CostUSD float64 `json:"cost_usd"`
	// HourlyUSD is what everything costs per hour once it is all up.
	HourlyUSD float64 `json:"hourly_usd"`
	// Peak is the most resources provisioning at once.
	Peak int `json:"peak_parallel"`
}

// Replay turns decided events into a schedule with the instance's own
// durations, independently of the states the model wrote. It returns an
// error naming the first event that breaks a hard rule (a dependency not
// complete, the limit exceeded, a resource started twice or completed
// before it was started) or a resource never completed.
func (t *Task) Replay(actions []string) (Schedule, error) {
	var sc Schedule
	start := map[string]int{}
	done := map[string]bool{}
	var running []Job
	clock := 0
	for i, text := range actions {
		a, err := ParseAction(text)
		if err != nil {
			return sc, fmt.Errorf("event %d: %w", i+1, err)
		}
		if _, ok := t.p.minutes[a.Name]; !ok {
			return sc, fmt.Errorf("event %d: unknown resource %s", i+1, a.Name)
		}
		switch a.Verb {
		case Start:
			if _, again := start[a.Name]; again {
				return sc, fmt.Errorf("event %d: %s started twice", i+1, a.Name)
			}
			for _, d := range t.p.g.Deps[a.Name] {
				if !done[d] {
					return sc, fmt.Errorf("event %d: %s started before its dependency %s completed", i+1, a.Name, d)
				}
			}
			if len(running) >= t.p.parallel {
				return sc, fmt.Errorf("event %d: %s started while %d were provisioning (limit %d)", i+1, a.Name, len(running), t.p.parallel)
			}
			start[a.Name] = clock
			running = append(running, Job{Name: a.Name, Finish: clock + t.p.minutes[a.Name]})
			sc.Peak = max(sc.Peak, len(running))
		case Complete:
			k := slices.IndexFunc(running, func(j Job) bool { return j.Name == a.Name })
			if k < 0 {
				return sc, fmt.Errorf("event %d: %s completed but it was not provisioning", i+1, a.Name)
			}
			if f := running[k].Finish; f < clock {
				return sc, fmt.Errorf("event %d: %s completes at minute %d, before the clock's %d", i+1, a.Name, f, clock)
			}
			clock = running[k].Finish
			running = slices.Delete(running, k, k+1)
			done[a.Name] = true
			sc.Entries = append(sc.Entries, Entry{Name: a.Name, Start: start[a.Name], Finish: clock, HourlyUSD: t.p.hourly[a.Name]})
		}
	}
	var missing []string
	for _, n := range t.p.g.Names {
		if !done[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return sc, fmt.Errorf("%d resources never completed: %s", len(missing), strings.Join(missing[:min(5, len(missing))], ", "))
	}
	slices.SortStableFunc(sc.Entries, func(a, b Entry) int { return a.Start - b.Start })
	sc.Minutes = clock
	for _, e := range sc.Entries {
		sc.CostUSD += e.HourlyUSD * float64(sc.Minutes-e.Start) / 60
		sc.HourlyUSD += e.HourlyUSD
	}
	return sc, nil
}
