package requirements

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/maker-go/maker"
)

// Defaults of a definition.
const (
	// DefaultPurposeProposers is how many proposers write a purpose.
	DefaultPurposeProposers = 5
	// DefaultFeatureProposers is how many proposers list features.
	DefaultFeatureProposers = 3
	// DefaultProposalTemperature is the sampling temperature of proposal
	// steps: high enough that proposers differ.
	DefaultProposalTemperature = 0.8
)

// Options shape a definition. The zero value takes every default.
type Options struct {
	PurposeProposers int       // default DefaultPurposeProposers
	FeatureProposers int       // default DefaultFeatureProposers
	Catalogue        Catalogue // default DefaultCatalogue()
	// Intent, when set, is what the user meant: the checker reports every
	// voted decision that departs from it. Leave it nil for real requests,
	// where nothing knows the answer.
	Intent *Intent
}

// Task defines the requirements of one request, one item per step. It
// implements [maker.Task], [maker.Executor] (the document, not the model,
// is the transition: each decided item is added to it) and
// [maker.Checker].
type Task struct {
	request   string
	plan      Plan
	catalogue Catalogue
	// gates is the catalogue the off-purpose gate reads: without the
	// keywords the request itself uses, so that "Build an email client" may
	// speak of email in every criterion.
	gates  Catalogue
	intent *Intent
}

var (
	_ maker.Task[Doc]     = (*Task)(nil)
	_ maker.Executor[Doc] = (*Task)(nil)
	_ maker.Checker[Doc]  = (*Task)(nil)
)

// maxRequestLen keeps the request a request, not a specification.
const maxRequestLen = 500

// New returns the definition task for request.
func New(request string, opts Options) (*Task, error) {
	request = strings.Join(strings.Fields(request), " ")
	switch {
	case request == "":
		return nil, errors.New("requirements: the request is empty")
	case len(request) > maxRequestLen:
		return nil, fmt.Errorf("requirements: the request has %d characters; at most %d", len(request), maxRequestLen)
	case opts.PurposeProposers < 0 || opts.FeatureProposers < 0:
		return nil, errors.New("requirements: proposer counts must not be negative")
	case opts.PurposeProposers > 99:
		return nil, errors.New("requirements: at most 99 purpose proposers (the choice is a number from 1 to 99)")
	}
	if opts.PurposeProposers == 0 {
		opts.PurposeProposers = DefaultPurposeProposers
	}
	if opts.FeatureProposers == 0 {
		opts.FeatureProposers = DefaultFeatureProposers
	}
	if opts.Catalogue == nil {
		opts.Catalogue = DefaultCatalogue()
	}
	if err := opts.Catalogue.Validate(); err != nil {
		return nil, fmt.Errorf("requirements: %w", err)
	}
	return &Task{
		request:   request,
		plan:      Plan{PurposeProposers: opts.PurposeProposers, FeatureProposers: opts.FeatureProposers},
		catalogue: opts.Catalogue,
		gates:     withoutWordsOf(opts.Catalogue, request),
		intent:    opts.Intent,
	}, nil
}

// withoutWordsOf returns the catalogue without the keywords that text
// uses: what the request names is never off its purpose.
func withoutWordsOf(c Catalogue, text string) Catalogue {
	lower := strings.ToLower(text)
	out := make(Catalogue, len(c))
	for i, f := range c {
		f.Keywords = nil
		for _, kw := range c[i].Keywords {
			if !containsWord(lower, strings.ToLower(kw)) {
				f.Keywords = append(f.Keywords, kw)
			}
		}
		out[i] = f
	}
	return out
}

// Name implements [maker.Task].
func (t *Task) Name() string { return "requirements" }

// Request is the request as the task reads it (spacing normalised).
func (t *Task) Request() string { return t.request }

// Catalogue is the catalogue every definition decides.
func (t *Task) Catalogue() Catalogue { return t.catalogue }

// Initial implements [maker.Task]: an empty document for the request.
func (t *Task) Initial() Doc { return Doc{Request: t.request, Plan: t.plan} }

// Prompt implements [maker.Task]. The previous action is not shown: each
// decision is made from the request, the purpose and its one item alone.
func (t *Task) Prompt(d Doc, _ string, _ int) maker.Prompt {
	n, ok := d.next()
	if !ok {
		return maker.Prompt{System: preamble, User: "The document is complete."}
	}
	return prompt(d, n)
}

// Done implements [maker.Task]: every item is decided.
func (t *Task) Done(d Doc, _ int) bool {
	_, more := d.next()
	return !more
}

// Steps implements [maker.Task]: 0, because the number of features to
// decide is known only once the proposers have listed theirs. See
// [Task.MaxVotedSteps] for planning.
func (t *Task) Steps() int { return 0 }

// MaxVotedSteps bounds the number of voted steps: the purpose vote, a scope
// vote for every catalogue feature and for as many proposed features as the
// proposers may list, and a criteria vote for each. Plan k on it.
func (t *Task) MaxVotedSteps() int {
	features := len(t.catalogue) + t.plan.FeatureProposers*maxProposed
	return 1 + 2*features
}

// Execute implements [maker.Executor]: it adds the decided item to the
// document. An item that does not fit the step (another kind, another
// feature, a choice out of range) cannot be added and stops the run.
func (t *Task) Execute(_ context.Context, d Doc, winner maker.Candidate[Doc]) (Doc, error) {
	if winner.State.Last == nil {
		return d, errors.New("requirements: the decided answer holds no item")
	}
	out, err := d.apply(*winner.State.Last, t.catalogue)
	if err != nil {
		return d, fmt.Errorf("requirements: %w", err)
	}
	return out, nil
}

// Check implements [maker.Checker]. It reports a decided answer that does
// not fit its step, or whose copied purpose is not the proposal it chose,
// and, when the task has an [Intent], every voted decision that departs
// from it. Proposal steps are inputs to a vote, not decisions, and are
// checked for fit only.
func (t *Task) Check(_ int, before Doc, decided maker.Candidate[Doc]) error {
	it := decided.State.Last
	if it == nil {
		return errors.New("no item decided")
	}
	n, ok := before.next()
	if !ok {
		return errors.New("an answer after the document was complete")
	}
	if it.Kind != n.kind {
		return fmt.Errorf("a %s answer where a %s step was asked", it.Kind, n.kind)
	}
	if (n.kind == KindScope || n.kind == KindCriteria) && it.Feature != n.feature.ID {
		return fmt.Errorf("an answer about %q where %q was asked", it.Feature, n.feature.ID)
	}
	if n.kind == KindPurposeChoice {
		if it.Choice < 1 || it.Choice > len(before.Choices) {
			return fmt.Errorf("choice %d of %d proposals", it.Choice, len(before.Choices))
		}
		if norm(it.Text) != norm(before.Choices[it.Choice-1]) {
			return fmt.Errorf("chose proposal %d but copied %q", it.Choice, it.Text)
		}
	}
	if t.intent == nil {
		return nil
	}
	return t.intent.check(n, before, *it)
}

// KPolicy returns the margin of each step: 1 for the proposal steps, which
// are single samples meant to differ, and k for every decision.
func (t *Task) KPolicy(k int) maker.KPolicy { return proposalK{plan: t.plan, k: k} }

type proposalK struct {
	plan Plan
	k    int
}

// K is 1 on the proposal steps, whose numbers the plan fixes: the purpose
// proposals first, then the purpose vote, then the feature proposals.
func (p proposalK) K(step int) int {
	pp, fp := p.plan.PurposeProposers, p.plan.FeatureProposers
	if step < pp || (step > pp && step <= pp+fp) {
		return 1
	}
	return p.k
}

// Observe implements [maker.KPolicy]; the margins do not depend on the
// votes.
func (proposalK) Observe(*maker.StepRecord) {}
