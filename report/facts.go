package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/maker-go/maker"
)

// facts are the header's lines, the run's summary for people.
func facts(s *maker.Summary, a *aggregate, pText string) []fact {
	model := orDash(s.Model)
	if s.Simulated {
		model += " (SIMULATED: no LLM was called)"
	}
	steps := group(s.Steps)
	if s.TotalSteps > 0 {
		steps += " of " + group(s.TotalSteps)
	}
	if s.StartStep > 0 {
		steps += fmt.Sprintf(" (resumed after step %s)", group(s.StartStep))
	}
	out := []fact{
		{"task", orDash(s.Task)},
		{"model", model},
		{"steps decided", steps},
	}
	stop := orDash(s.StopReason)
	if s.Error != "" {
		stop += ": " + s.Error
	}
	out = append(out, fact{"stopped", stop})
	wrong := group(s.WrongSteps)
	if s.FirstWrongStep != nil {
		wrong += fmt.Sprintf(" (first: step %s, %s)", group(*s.FirstWrongStep), s.FirstWrongWhy)
	}
	out = append(out, fact{"wrong steps", wrong})
	k := fmt.Sprint(s.K)
	if s.KMax > s.K {
		k += fmt.Sprintf(" (raised to %d)", s.KMax)
	}
	out = append(out,
		fact{"k", k},
		fact{"samples", fmt.Sprintf("%s: %s votes, %s flagged%s, %s cancelled, %s retries",
			group64(s.Samples), group64(s.ValidVotes), group64(s.FlaggedTotal()), flagText64(s.Flagged),
			group64(s.Cancelled), group64(s.Retries))},
		fact{"votes per step", fmt.Sprintf("max %d; %s steps needed more than k", s.MaxVotesInStep, group64(s.StepsOverK))},
	)
	if inv := s.InvalidText(); inv != "" {
		// The validator's reasons: what the red flag "invalid" caught.
		out = append(out, fact{"invalid samples", inv})
	}
	out = append(out,
		fact{"p per vote (measured)", pText},
		fact{"tokens", fmt.Sprintf("%s in (%s cached), %s out", group64(s.InputTokens), group64(s.CachedInputTokens), group64(s.OutputTokens))},
	)
	cost := fmt.Sprintf("$%.4f", s.CostUSD)
	if !s.Pricing.Zero() {
		cost += fmt.Sprintf(" at $%.2f in / $%.2f out per million tokens", s.Pricing.InPerMTok, s.Pricing.OutPerMTok)
	}
	if s.Simulated {
		cost += " (simulated tokens)"
	}
	out = append(out,
		fact{"cost", cost},
		fact{"wall", time.Duration(s.WallSeconds * float64(time.Second)).Round(time.Millisecond).String()},
	)
	if sp := s.SpeculationText(); sp != "" {
		out = append(out, fact{"speculation", sp})
	}
	if e := s.EscalationText(); e != "" {
		out = append(out, fact{"escalated", e})
	}
	if a.steps != s.Steps-s.StartStep && a.steps > 0 {
		out = append(out, fact{"steps in charts", group(a.steps)})
	}
	return out
}

func group64(n int64) string { return group(int(n)) }

// flagText lists a step's flags by reason, sorted.
func flagText(f map[maker.Flag]int) string {
	m := make(map[maker.Flag]int64, len(f))
	for k, v := range f {
		m[k] = int64(v)
	}
	return strings.TrimSuffix(strings.TrimPrefix(flagText64(m), " ("), ")")
}

func flagText64(f map[maker.Flag]int64) string {
	keys := make([]string, 0, len(f))
	for k, v := range f {
		if v > 0 {
			keys = append(keys, string(k))
		}
	}
	if len(keys) == 0 {
		return ""
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, f[maker.Flag(k)])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
