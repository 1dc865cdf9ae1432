package maker

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteText writes the summary for people, one fact a line.
func (s *Summary) WriteText(w io.Writer) error {
	var b strings.Builder
	model := s.Model
	if s.Simulated {
		model += " (SIMULATED: no LLM was called; tokens and cost are simulated)"
	}
	fmt.Fprintf(&b, "task        %s\n", s.Task)
	fmt.Fprintf(&b, "model       %s\n", model)
	total, of := "", int64(s.Steps)
	if s.TotalSteps > 0 {
		total, of = fmt.Sprintf(" of %s", group(int64(s.TotalSteps))), int64(s.TotalSteps)
	}
	fmt.Fprintf(&b, "result      %s: %s%s %s decided, %d wrong", s.Result(), group(int64(s.Steps)), total, noun(of, "step", "steps"), s.WrongSteps)
	if s.StartStep > 0 {
		fmt.Fprintf(&b, " (resumed after step %s)", group(int64(s.StartStep)))
	}
	b.WriteString("\n")
	if s.FirstWrongStep != nil {
		fmt.Fprintf(&b, "first wrong step %d: %s\n", *s.FirstWrongStep, s.FirstWrongWhy)
	}
	if s.Error != "" {
		fmt.Fprintf(&b, "stopped     %s: %s\n", s.StopReason, s.Error)
	}
	k := fmt.Sprint(s.K)
	if s.KMax > s.K {
		k += fmt.Sprintf(" (raised to %d)", s.KMax)
	}
	fmt.Fprintf(&b, "k           %s\n", k)
	fmt.Fprintf(&b, "samples     %s: %s, %s flagged%s, %s cancelled, %s\n",
		group(s.Samples), count(s.ValidVotes, "vote", "votes"), group(s.FlaggedTotal()), flagText(s.Flagged), group(s.Cancelled), count(s.Retries, "retry", "retries"))
	if len(s.Invalid) > 0 {
		fmt.Fprintf(&b, "invalid     %s\n", s.InvalidText())
	}
	fmt.Fprintf(&b, "votes/step  max %d; %s needed more than k\n", s.MaxVotesInStep, count(s.StepsOverK, "step", "steps"))
	if s.CacheHits > 0 {
		fmt.Fprintf(&b, "cache       %s decided before, reused without a model call\n", count(s.CacheHits, "step", "steps"))
	}
	fmt.Fprintf(&b, "tokens      %s in (%s cached), %s out\n", group(s.InputTokens), group(s.CachedInputTokens), group(s.OutputTokens))
	price := ""
	if !s.Pricing.Zero() && len(s.Models) == 0 {
		price = fmt.Sprintf(" at $%.2f in / $%.2f out per million tokens", s.Pricing.InPerMTok, s.Pricing.OutPerMTok)
	}
	if s.BatchedRequests > 0 || s.CachedInputTokens > 0 {
		fmt.Fprintf(&b, "saved       $%.4f: %s batched requests saved %s input tokens; %s input tokens cached\n",
			s.SavedUSD, group(s.BatchedRequests), group(s.InputSavedByBatch), group(s.CachedInputTokens))
	}
	if s.PriceNote != "" {
		price += " (" + s.PriceNote + ")"
	}
	fmt.Fprintf(&b, "cost        $%.4f ($%.6f a sample, $%.6f a step)%s\n", s.CostUSD, s.CostPerSample, s.CostPerStep, price)
	s.Usage.writeBilled(&b, s.Samples)
	s.writeBudget(&b)
	s.Models.writeText(&b)
	s.Escalations.writeText(&b)
	fmt.Fprintf(&b, "wall        %.2fs\n", s.WallSeconds)
	s.writeSpeculation(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

// Result is the run's outcome in a few words, for people: "success";
// "FAILED" for a run that went wrong (a wrong step, no consensus, an error,
// the task's steps ran out before it was done); otherwise how a run that
// has not failed stopped short ("interrupted", "stopped by a budget", ...),
// which a resume can take further.
func (s *Summary) Result() string {
	switch {
	case s.Success:
		return "success"
	case s.WrongSteps > 0:
		return "FAILED" // a wrong step is decided: no resume undoes it
	case s.StopReason == stopKilled:
		return "unfinished (running, or its process was killed)"
	case s.StopReason == "interrupted":
		return "interrupted"
	case strings.HasPrefix(s.StopReason, "budget"):
		return "stopped by a budget"
	case s.StopReason == "max steps":
		return "stopped at its step limit"
	}
	return "FAILED"
}

// count writes n, grouped, with its noun in the singular or the plural.
func count(n int64, one, many string) string {
	return group(n) + " " + noun(n, one, many)
}

// Thousands writes n with thousands separators, as the summary's text
// writes its counts, for the other lines that speak of them.
func Thousands(n int64) string { return group(n) }

// noun is one for a count of 1, many otherwise.
func noun(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func flagText(f map[Flag]int64) string {
	if len(f) == 0 {
		return ""
	}
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, f[Flag(k)])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// reasonText lists a validator's reasons, the commonest first: "table
// name missing 3; unbalanced parentheses 1".
func reasonText(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, "; ")
}

// group writes n with thousands separators.
func group(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
