package requirements

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/maker-go/maker"
)

// Intent is a scripted user intent: what the user of one request meant. It
// plays the model in the simulator (it is a [maker.Oracle]: the right
// answer to every step, and the mistakes a model makes) and, given to
// [New], the checker that reports every decision that departs from it.
type Intent struct {
	Request string `json:"request"`
	// Purpose is the intended purpose; BroadPurpose a plausible one that
	// promises more than was asked, VaguePurpose one the gates reject.
	Purpose      string `json:"purpose"`
	BroadPurpose string `json:"broad_purpose"`
	VaguePurpose string `json:"vague_purpose"`
	// In are the features in scope, with good criteria. Those with a
	// description are the ones proposers list; the others are catalogue
	// features. Every other feature is a non-goal.
	In []IntentFeature `json:"in"`
	// Spill are features a careless proposer adds: plausible, unasked.
	Spill []IntentFeature `json:"spill"`
}

// IntentFeature is a feature of an intent.
type IntentFeature struct {
	ID          string   `json:"id"`
	Description string   `json:"description,omitempty"`
	Criteria    []string `json:"criteria,omitempty"`
}

var _ maker.Oracle = (*Intent)(nil)

//go:embed intents.json
var intentsJSON []byte

// ErrUnscripted is returned by [Scripted] for a request no intent is
// scripted for.
var ErrUnscripted = errors.New("no scripted intent for this request")

func intents() []Intent {
	var in []Intent
	if err := json.Unmarshal(intentsJSON, &in); err != nil {
		panic(fmt.Sprintf("requirements: built-in intents: %v", err))
	}
	return in
}

// Requests lists the requests with a scripted intent, the ones the
// simulator can play.
func Requests() []string {
	var out []string
	for _, in := range intents() {
		out = append(out, in.Request)
	}
	return out
}

// Scripted returns the intent scripted for request (compared ignoring case,
// spacing and a final full stop), or an error wrapping [ErrUnscripted].
func Scripted(request string) (*Intent, error) {
	key := strings.TrimSuffix(norm(request), ".")
	for _, in := range intents() {
		if strings.TrimSuffix(norm(in.Request), ".") == key {
			return &in, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrUnscripted, request)
}

// InScope reports whether the intent puts the feature with id in scope.
func (in *Intent) InScope(id string) bool {
	_, ok := in.feature(id)
	return ok
}

func (in *Intent) feature(id string) (IntentFeature, bool) {
	for _, f := range in.In {
		if f.ID == id {
			return f, true
		}
	}
	return IntentFeature{}, false
}

// Answer implements [maker.Oracle]: the answer the user's intent gives to
// the step in the prompt's [Hint], and the mistakes a model makes on it,
// the likeliest first.
func (in *Intent) Answer(p maker.Prompt) (maker.Answer, error) {
	h, ok := p.Hint.(Hint)
	if !ok {
		return maker.Answer{}, maker.ErrNotMine
	}
	if strings.TrimSuffix(norm(h.Request), ".") != strings.TrimSuffix(norm(in.Request), ".") {
		return maker.Answer{}, fmt.Errorf("requirements: the intent is scripted for %q, not %q", in.Request, h.Request)
	}
	switch h.Kind {
	case KindPurposeProposal:
		return maker.Answer{
			Right: "purpose = " + in.Purpose,
			Wrong: []string{"purpose = " + in.BroadPurpose, "purpose = " + in.VaguePurpose},
		}, nil
	case KindPurposeChoice:
		return in.answerChoice(h), nil
	case KindFeatureProposal:
		var core []IntentFeature
		for _, f := range in.In {
			if f.Description != "" {
				core = append(core, f)
			}
		}
		a := maker.Answer{Right: renderFeatures(core)}
		for _, s := range in.Spill {
			a.Wrong = append(a.Wrong, renderFeatures(append(slices.Clip(core), s)))
		}
		return a, nil
	case KindScope:
		id := h.Feature.ID
		if in.InScope(id) {
			return maker.Answer{Right: renderScope(id, In, "The purpose cannot be met without it."),
				Wrong: []string{renderScope(id, NonGoal, "The purpose can be met without it.")}}, nil
		}
		return maker.Answer{Right: renderScope(id, NonGoal, "Neither the request nor the purpose asks for it."),
			Wrong: []string{renderScope(id, In, "Most services of this kind offer it, so clients will expect it.")}}, nil
	case KindCriteria:
		return in.answerCriteria(h.Feature), nil
	}
	return maker.Answer{}, fmt.Errorf("requirements: unknown step kind %q", h.Kind)
}

func (in *Intent) answerChoice(h Hint) maker.Answer {
	right := 0
	for i, c := range h.Choices {
		if norm(c) == norm(in.Purpose) {
			right = i
		}
	}
	// When no proposer wrote the intended purpose, the first proposal is
	// the answer; the checker reports the step wrong all the same.
	a := maker.Answer{Right: renderChoice(right+1, h.Choices[right])}
	for i, c := range h.Choices {
		if i != right {
			a.Wrong = append(a.Wrong, renderChoice(i+1, c))
		}
	}
	// The right number with a wrong copy: votes for another candidate.
	a.Wrong = append(a.Wrong, renderChoice(right+1, in.BroadPurpose))
	return a
}

// The criteria mistakes a model makes. Three are caught by the gates; the
// last (a criterion left out) is well-formed and only the vote stops it.
const (
	vagueCriterion      = "The API should be fast."
	untestableCriterion = "WHEN a client uses %s THEN the client is satisfied with the result"
)

func (in *Intent) answerCriteria(f Feature) maker.Answer {
	right := []string{fmt.Sprintf("WHEN a client calls %s THEN the API returns 200 and the result of %s", f.ID, f.ID)}
	if intended, ok := in.feature(f.ID); ok && len(intended.Criteria) > 0 {
		right = intended.Criteria
	}
	offPurpose := "WHEN this request succeeds THEN the API returns 200 and sends an email notification to the owner"
	if f.ID == "notifications" {
		offPurpose = "WHEN this request succeeds THEN the API returns 200 and calls the owner's webhook"
	}
	with := func(extra string) []string { return append(slices.Clip(right), extra) }
	a := maker.Answer{Right: renderCriteria(f.ID, right), Wrong: []string{
		renderCriteria(f.ID, with(vagueCriterion)),
		renderCriteria(f.ID, with(fmt.Sprintf(untestableCriterion, f.ID))),
		renderCriteria(f.ID, with(offPurpose)),
	}}
	if len(right) > 1 {
		a.Wrong = append(a.Wrong, renderCriteria(f.ID, right[:len(right)-1]))
	}
	return a
}

// check reports a voted decision that departs from the intent.
func (in *Intent) check(n next, before Doc, it Item) error {
	switch n.kind {
	case KindPurposeChoice:
		if got := before.Choices[it.Choice-1]; norm(got) != norm(in.Purpose) {
			return fmt.Errorf("chose the purpose %q; the user meant %q", got, in.Purpose)
		}
	case KindScope:
		want := NonGoal
		if in.InScope(it.Feature) {
			want = In
		}
		if it.Decision != want {
			what := "spilled into scope"
			if want == In {
				what = "dropped from scope"
			}
			return fmt.Errorf("%s %s: decided %s, the user meant %s", it.Feature, what, it.Decision, want)
		}
	case KindCriteria:
		f, ok := in.feature(it.Feature)
		if !ok || len(f.Criteria) == 0 {
			return nil // a spilled feature: its scope step was already reported
		}
		if !sameSet(f.Criteria, it.Criteria) {
			return fmt.Errorf("the criteria of %s are not the user's: %q", it.Feature, it.Criteria)
		}
	}
	return nil
}

func sameSet(a, b []string) bool {
	na, nb := make([]string, len(a)), make([]string, len(b))
	for i := range a {
		na[i] = norm(a[i])
	}
	for i := range b {
		nb[i] = norm(b[i])
	}
	slices.Sort(na)
	slices.Sort(nb)
	return slices.Equal(na, nb)
}

func renderChoice(n int, purpose string) string {
	return fmt.Sprintf("choice = %d\npurpose = %s", n, purpose)
}

func renderFeatures(fs []IntentFeature) string {
	var b strings.Builder
	b.WriteString("features:")
	for _, f := range fs {
		fmt.Fprintf(&b, "\n- %s: %s", f.ID, f.Description)
	}
	return b.String()
}

func renderScope(id string, d Decision, reason string) string {
	return fmt.Sprintf("feature = %s\ndecision = %s\nreason = %s", id, d, reason)
}

func renderCriteria(id string, criteria []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "feature = %s\ncriteria:", id)
	for _, c := range criteria {
		fmt.Fprintf(&b, "\n- %s", c)
	}
	return b.String()
}
