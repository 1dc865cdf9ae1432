package requirements

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/maker-go/maker"
)

// Requirements is the finished definition as coding agents read it. The
// non-goals come first, in the JSON as in the Markdown: they are what an
// agent is likeliest to overstep.
type Requirements struct {
	NonGoals   []NonGoalEntry `json:"non_goals"`
	Request    string         `json:"request"`
	Purpose    string         `json:"purpose"`
	InScope    []InScopeEntry `json:"in_scope"`
	Provenance Provenance     `json:"provenance"`
}

// NonGoalEntry is a feature decided out of scope.
type NonGoalEntry struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Source      string `json:"source"`
	Reason      string `json:"reason"`
	Votes       *Votes `json:"votes,omitempty"`
}

// InScopeEntry is a feature decided in scope, with its acceptance criteria.
type InScopeEntry struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Description        string   `json:"description"`
	Source             string   `json:"source"`
	Reason             string   `json:"reason"`
	AcceptanceCriteria []string `json:"acceptance_criteria"`
	Votes              *Votes   `json:"votes,omitempty"`
	CriteriaVotes      *Votes   `json:"criteria_votes,omitempty"`
}

// Proposal is a distinct proposed purpose and how many proposers wrote it.
type Proposal struct {
	Text      string `json:"text"`
	Proposers int    `json:"proposers"`
	Chosen    bool   `json:"chosen"`
}

// Provenance says how the document was decided and what that is worth.
type Provenance struct {
	Model     string `json:"model"`
	Simulated bool   `json:"simulated"`
	K         int    `json:"k"`
	// Proposals are the distinct purposes proposed, numbered as voted.
	Proposals    []Proposal `json:"purpose_proposals"`
	PurposeVotes *Votes     `json:"purpose_votes,omitempty"`
	// ProposedFeatures are the feature ids the proposers listed that the
	// catalogue lacks.
	ProposedFeatures []string `json:"proposed_features"`
	CatalogueSize    int      `json:"catalogue_size"`
	// Gates counts the answers each quality gate discarded.
	Gates map[Gate]int64 `json:"gates"`
	// Flagged counts every red flag of the run, gates included (as
	// malformed).
	Flagged    map[maker.Flag]int64 `json:"flagged"`
	Samples    int64                `json:"samples"`
	WrongSteps int                  `json:"wrong_steps"`
	CostUSD    float64              `json:"cost_usd"`
	Guarantee  string               `json:"guarantee"`
}

// Guarantee is what the export says voting and the gates are worth.
const Guarantee = "Each decision won its vote by k valid samples. Under independent samples that makes a one-off slip (a feature spilled into scope, a dropped one) unlikely; it does not show that the decision is what the user meant, since a model that misreads the request misreads it in every sample. The quality gates check the form of each criterion (a threshold, an observable outcome, no other feature named), not its truth."

// ErrIncomplete is returned by [Export] for a document that still needs
// steps: a partial document would leave non-goals undecided.
var ErrIncomplete = errors.New("requirements: the document is incomplete")

// Export builds the requirements from a finished document, the tracker of
// its run and the run's summary (both optional).
func Export(d Doc, tr *Tracker, sum *maker.Summary) (*Requirements, error) {
	if kind, more := d.Next(); more {
		return nil, fmt.Errorf("%w: the next step is a %s step", ErrIncomplete, kind)
	}
	votes := func(kind Kind, feature string) *Votes {
		if tr == nil {
			return nil
		}
		if v, ok := tr.Votes(kind, feature); ok {
			return &v
		}
		return nil
	}
	r := &Requirements{Request: d.Request, Purpose: d.Purpose, NonGoals: []NonGoalEntry{}, InScope: []InScopeEntry{}}
	criteria := map[string][]string{}
	for _, c := range d.Criteria {
		criteria[c.Feature] = c.Items
	}
	for _, s := range d.Scope {
		f := s.Feature
		if s.Decision == NonGoal {
			r.NonGoals = append(r.NonGoals, NonGoalEntry{ID: f.ID, Name: f.Name, Description: f.Description, Source: f.Source, Reason: s.Reason, Votes: votes(KindScope, f.ID)})
			continue
		}
		r.InScope = append(r.InScope, InScopeEntry{ID: f.ID, Name: f.Name, Description: f.Description, Source: f.Source, Reason: s.Reason,
			AcceptanceCriteria: criteria[f.ID], Votes: votes(KindScope, f.ID), CriteriaVotes: votes(KindCriteria, f.ID)})
	}
	p := &r.Provenance
	p.Guarantee = Guarantee
	for _, c := range d.Choices {
		n := 0
		for _, q := range d.Proposals {
			if norm(q) == norm(c) {
				n++
			}
		}
		p.Proposals = append(p.Proposals, Proposal{Text: c, Proposers: n, Chosen: norm(c) == norm(d.Purpose)})
	}
	p.PurposeVotes = votes(KindPurposeChoice, "")
	p.ProposedFeatures = []string{}
	for _, f := range d.Candidates {
		if f.Source == SourceProposed {
			p.ProposedFeatures = append(p.ProposedFeatures, f.ID)
		} else {
			p.CatalogueSize++
		}
	}
	p.Gates = map[Gate]int64{}
	if tr != nil {
		for g, n := range tr.Gates {
			p.Gates[g] = n
		}
	}
	if sum != nil {
		p.Model, p.Simulated, p.K = sum.Model, sum.Simulated, sum.K
		p.Flagged, p.Samples, p.WrongSteps, p.CostUSD = sum.Flagged, sum.Samples, sum.WrongSteps, sum.CostUSD
	}
	return r, nil
}

// JSON is the export for coding agents: indented, non-goals first.
func (r *Requirements) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Markdown is the export for people: non-goals first, then the purpose, the
// features in scope with their criteria, and how it was decided.
func (r *Requirements) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Requirements: %s\n\n", r.Request)
	b.WriteString("Build what is listed under \"In scope\", to its acceptance criteria, and nothing listed under \"Non-goals\".\n\n")
	fmt.Fprintf(&b, "## Non-goals (%d): do not build\n\n", len(r.NonGoals))
	if len(r.NonGoals) == 0 {
		b.WriteString("None.\n")
	}
	for _, n := range r.NonGoals {
		fmt.Fprintf(&b, "- **%s** (`%s`): %s Why not: %s%s\n", n.Name, n.ID, n.Description, n.Reason, voteText(n.Votes))
	}
	fmt.Fprintf(&b, "\n## Purpose\n\n%s\n\n## In scope (%d)\n", r.Purpose, len(r.InScope))
	for _, f := range r.InScope {
		fmt.Fprintf(&b, "\n### %s (`%s`)\n\n%s Why: %s%s\n\nAcceptance criteria%s:\n\n", f.Name, f.ID, f.Description, f.Reason, voteText(f.Votes), voteText(f.CriteriaVotes))
		for _, c := range f.AcceptanceCriteria {
			fmt.Fprintf(&b, "- [ ] %s\n", c)
		}
	}
	p := r.Provenance
	b.WriteString("\n## How this was decided\n\n")
	model := p.Model
	if p.Simulated {
		model += " (SIMULATED: no LLM was called; a scripted user intent played the model)"
	}
	if model != "" {
		fmt.Fprintf(&b, "- Model: %s; every decision voted to a margin of k = %d.\n", model, p.K)
	}
	proposers := 0
	for _, q := range p.Proposals {
		proposers += q.Proposers
	}
	distinctWord := "distinct purposes"
	if len(p.Proposals) == 1 {
		distinctWord = "distinct purpose"
	}
	fmt.Fprintf(&b, "- Purpose: %d proposers wrote %d %s; one vote chose among them%s.\n", proposers, len(p.Proposals), distinctWord, voteText(p.PurposeVotes))
	for i, q := range p.Proposals {
		mark := ""
		if q.Chosen {
			mark = " (chosen)"
		}
		fmt.Fprintf(&b, "  %d. %s [%d of %d proposers]%s\n", i+1, q.Text, q.Proposers, proposers, mark)
	}
	fmt.Fprintf(&b, "- Scope: %d features, each decided IN or NON-GOAL by its own vote: %d from the catalogue of commonly over-built features, %d proposed (%s).\n",
		p.CatalogueSize+len(p.ProposedFeatures), p.CatalogueSize, len(p.ProposedFeatures), strings.Join(p.ProposedFeatures, ", "))
	fmt.Fprintf(&b, "- Quality gates discarded %d answers (%s); discarded answers were replaced by new samples, never repaired.\n", sumGates(p.Gates), gateText(p.Gates))
	fmt.Fprintf(&b, "- %s\n", p.Guarantee)
	return b.String()
}

func voteText(v *Votes) string {
	if v == nil {
		return ""
	}
	return fmt.Sprintf(" _(votes %d of %d, k = %d)_", v.Winner, v.Total, v.K)
}

func sumGates(g map[Gate]int64) int64 {
	var n int64
	for _, c := range g {
		n += c
	}
	return n
}

// gateText lists the gate counts in the order of [Gates], zeros included,
// so a reader sees which gates ran.
func gateText(g map[Gate]int64) string {
	parts := make([]string, len(Gates))
	for i, name := range Gates {
		parts[i] = fmt.Sprintf("%s %d", name, g[name])
	}
	return strings.Join(parts, ", ")
}

// GateText is the one-line gate report of a run: "vague 3, untestable 1,
// ...", every gate listed.
func (tr *Tracker) GateText() string { return gateText(tr.Gates) }
