package requirements

import (
	"fmt"
	"strings"
)

// Kind is what a step decides.
type Kind string

// The kinds of step, in the order a definition takes them.
const (
	// KindPurposeProposal: one proposer writes a purpose (one sample, k=1).
	KindPurposeProposal Kind = "purpose-proposal"
	// KindPurposeChoice: a voted choice among the numbered proposals.
	KindPurposeChoice Kind = "purpose-choice"
	// KindFeatureProposal: one proposer lists the features the request asks
	// for (one sample, k=1).
	KindFeatureProposal Kind = "feature-proposal"
	// KindScope: a voted IN or NON-GOAL for one feature.
	KindScope Kind = "scope"
	// KindCriteria: the voted acceptance criteria of one feature in scope.
	KindCriteria Kind = "criteria"
)

// Decision is a feature's scope.
type Decision string

// The decisions.
const (
	In      Decision = "IN"
	NonGoal Decision = "NON-GOAL"
)

// Item is what one step decides: the part of the document the answer names.
// Only the fields of its Kind are set.
type Item struct {
	Kind     Kind      `json:"kind"`
	Text     string    `json:"text,omitempty"`     // a proposed purpose, or the chosen one copied
	Choice   int       `json:"choice,omitempty"`   // the chosen proposal, 1-based
	Features []Feature `json:"features,omitempty"` // a proposer's feature list
	Feature  string    `json:"feature,omitempty"`  // the feature a scope or criteria step is about
	Decision Decision  `json:"decision,omitempty"` //
	Reason   string    `json:"reason,omitempty"`   //
	Criteria []string  `json:"criteria,omitempty"` //
}

// Scope is one feature's decision.
type Scope struct {
	Feature  Feature  `json:"feature"`
	Decision Decision `json:"decision"`
	Reason   string   `json:"reason"`
}

// Criteria are one feature's acceptance criteria.
type Criteria struct {
	Feature string   `json:"feature"`
	Items   []string `json:"items"`
}

// Plan fixes how many proposers a definition asks, so that the step
// numbers of the unvoted proposal steps are known before the run.
type Plan struct {
	PurposeProposers int `json:"purpose_proposers"`
	FeatureProposers int `json:"feature_proposers"`
}

// Doc is the state of a definition: the requirements document built so far.
// Each step adds one item, and what the document holds says which step comes
// next, so a document alone is enough to resume from.
type Doc struct {
	Request string `json:"request"`
	Plan    Plan   `json:"plan"`
	// Proposals are the purposes the proposers wrote, in order.
	Proposals []string `json:"proposals"`
	// Choices are the distinct proposals, numbered from 1 in the vote.
	Choices []string `json:"choices,omitempty"`
	Purpose string   `json:"purpose,omitempty"`
	// FeatureLists are the proposers' feature lists.
	FeatureLists [][]Feature `json:"feature_lists,omitempty"`
	// Candidates are the features to decide: the proposed features not in
	// the catalogue, then the catalogue, each once.
	Candidates []Feature  `json:"candidates,omitempty"`
	Scope      []Scope    `json:"scope,omitempty"`
	Criteria   []Criteria `json:"criteria,omitempty"`
	// Last is the item the last step decided. In a parsed answer it is the
	// only field set: one step decides one item, and the rest of the
	// document is not the model's to rewrite.
	Last *Item `json:"last,omitempty"`
}

// next is the step a document needs next.
type next struct {
	kind    Kind
	index   int     // the proposer's number, 1-based, for proposal steps
	feature Feature // for scope and criteria steps
}

// Next returns the kind of the step the document needs next, and false when
// it is complete.
func (d Doc) Next() (Kind, bool) {
	n, ok := d.next()
	return n.kind, ok
}

func (d Doc) next() (next, bool) {
	switch {
	case len(d.Proposals) < d.Plan.PurposeProposers:
		return next{kind: KindPurposeProposal, index: len(d.Proposals) + 1}, true
	case d.Purpose == "":
		return next{kind: KindPurposeChoice}, true
	case len(d.FeatureLists) < d.Plan.FeatureProposers:
		return next{kind: KindFeatureProposal, index: len(d.FeatureLists) + 1}, true
	case len(d.Scope) < len(d.Candidates):
		return next{kind: KindScope, feature: d.Candidates[len(d.Scope)]}, true
	}
	if rest := d.inScope()[len(d.Criteria):]; len(rest) > 0 {
		return next{kind: KindCriteria, feature: rest[0].Feature}, true
	}
	return next{}, false
}

// inScope returns the features decided IN, in order.
func (d Doc) inScope() []Scope {
	var out []Scope
	for _, s := range d.Scope {
		if s.Decision == In {
			out = append(out, s)
		}
	}
	return out
}

// apply returns the document with item added, after checking that the item
// is the one the document needs next. It never changes d.
func (d Doc) apply(item Item, cat Catalogue) (Doc, error) {
	n, ok := d.next()
	if !ok {
		return d, fmt.Errorf("the document is complete; nothing to add")
	}
	if item.Kind != n.kind {
		return d, fmt.Errorf("a %s answer where a %s step was asked", item.Kind, n.kind)
	}
	if (n.kind == KindScope || n.kind == KindCriteria) && item.Feature != n.feature.ID {
		return d, fmt.Errorf("an answer about feature %q where %q was asked", item.Feature, n.feature.ID)
	}
	out := d.clone()
	it := item
	out.Last = &it
	switch n.kind {
	case KindPurposeProposal:
		out.Proposals = append(out.Proposals, item.Text)
		if len(out.Proposals) == d.Plan.PurposeProposers {
			out.Choices = distinct(out.Proposals)
		}
	case KindPurposeChoice:
		if item.Choice < 1 || item.Choice > len(d.Choices) {
			return d, fmt.Errorf("choice %d of %d proposals", item.Choice, len(d.Choices))
		}
		out.Purpose = d.Choices[item.Choice-1]
	case KindFeatureProposal:
		out.FeatureLists = append(out.FeatureLists, item.Features)
		if len(out.FeatureLists) == d.Plan.FeatureProposers {
			out.Candidates = candidates(cat, out.FeatureLists)
		}
	case KindScope:
		out.Scope = append(out.Scope, Scope{Feature: n.feature, Decision: item.Decision, Reason: item.Reason})
	case KindCriteria:
		out.Criteria = append(out.Criteria, Criteria{Feature: n.feature.ID, Items: item.Criteria})
	}
	return out, nil
}

// clone copies the slices apply appends to, so documents of earlier steps
// (held by journals and observers) never change.
func (d Doc) clone() Doc {
	d.Proposals = append([]string(nil), d.Proposals...)
	d.FeatureLists = append([][]Feature(nil), d.FeatureLists...)
	d.Scope = append([]Scope(nil), d.Scope...)
	d.Criteria = append([]Criteria(nil), d.Criteria...)
	return d
}

// distinct returns the proposals without repeats (compared after
// normalising case and spacing), in the order first proposed.
func distinct(proposals []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range proposals {
		k := norm(p)
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}

// candidates are the proposed features that are not in the catalogue, in
// the order first proposed, followed by the whole catalogue: every
// catalogue feature is decided whether or not anyone proposed it.
func candidates(cat Catalogue, lists [][]Feature) []Feature {
	var out []Feature
	seen := map[string]bool{}
	for _, f := range cat {
		seen[f.ID] = true
	}
	for _, l := range lists {
		for _, f := range l {
			if !seen[f.ID] {
				seen[f.ID] = true
				out = append(out, f)
			}
		}
	}
	return append(out, cat...)
}

// norm is the canonical spelling of free text in vote keys: lower case,
// single spaces.
func norm(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
