package infra

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// Job is a resource that is provisioning and the minute it finishes.
type Job struct {
	Name   string `json:"name"`
	Finish int    `json:"finish"`
}

// State is what the model carries from step to step.
type State struct {
	// Clock is the current minute since provisioning began.
	Clock int `json:"clock"`
	// Provisioning are the resources started and not complete, sorted by
	// finish minute, then name.
	Provisioning []Job `json:"provisioning"`
	// Ready and Waiting are the frontier of the dependency graph:
	// resources not started whose dependencies are all complete, and the
	// number of unfinished dependencies of those with some complete.
	scenario.Frontier
}

// Clone returns a deep copy.
func (s State) Clone() State {
	return State{Clock: s.Clock, Provisioning: append([]Job{}, s.Provisioning...), Frontier: s.Frontier.Clone()}
}

// Equal reports whether two states are the same.
func (s State) Equal(o State) bool {
	if s.Clock != o.Clock || len(s.Provisioning) != len(o.Provisioning) || !s.Frontier.Equal(o.Frontier) {
		return false
	}
	a, b := sortedJobs(s.Provisioning), sortedJobs(o.Provisioning)
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sortedJobs(js []Job) []Job {
	out := append([]Job{}, js...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Finish != out[j].Finish {
			return out[i].Finish < out[j].Finish
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// formatJobs writes "[a@12, b@15]" in finish order, with sep between items.
func formatJobs(js []Job, sep string) string {
	parts := make([]string, len(js))
	for i, j := range sortedJobs(js) {
		parts[i] = j.Name + "@" + strconv.Itoa(j.Finish)
	}
	return "[" + strings.Join(parts, sep) + "]"
}

// lines writes the state as the prompt shows it and the answer repeats it;
// prefix is "" or "next_".
func (s State) lines(prefix string) string {
	return fmt.Sprintf("%sclock = %d\n%sprovisioning = %s\n%sready = %s\n%swaiting = %s",
		prefix, s.Clock, prefix, formatJobs(s.Provisioning, ", "), prefix, scenario.FormatList(scenario.Sorted(s.Ready)), prefix, scenario.FormatCounts(s.Waiting))
}

// compact is the state in a vote key.
func (s State) compact() string {
	return strconv.Itoa(s.Clock) + "|" + formatJobs(s.Provisioning, ",") + "|" + scenario.CompactList(scenario.Sorted(s.Ready)) + "|" + scenario.CompactCounts(s.Waiting)
}

// parseJobs reads "[a@12, b@15]": names with finish minutes, none twice.
func parseJobs(s string) ([]Job, error) {
	items, err := scenario.Items(s)
	if err != nil {
		return nil, err
	}
	out := make([]Job, 0, len(items))
	seen := map[string]bool{}
	for _, it := range items {
		name, num, ok := strings.Cut(it, "@")
		if !ok {
			return nil, fmt.Errorf("infra: %w: %q in the provisioning list is not name@minute", maker.ErrMalformed, it)
		}
		if err := scenario.CheckName(name); err != nil {
			return nil, fmt.Errorf("infra: %w: %v", maker.ErrMalformed, err)
		}
		if seen[name] {
			return nil, fmt.Errorf("infra: %w: %s is provisioning twice", maker.ErrMalformed, name)
		}
		seen[name] = true
		m, err := scenario.Atoi(num)
		if err != nil {
			return nil, err
		}
		out = append(out, Job{Name: name, Finish: m})
	}
	return sortedJobs(out), nil
}
