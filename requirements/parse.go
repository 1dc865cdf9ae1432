package requirements

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/maker-go/maker"
)

var (
	purposeLineRe = regexp.MustCompile(`^purpose = (\S.*)$`)
	choiceLineRe  = regexp.MustCompile(`^choice = ([1-9][0-9]?)$`)
	featureLineRe = regexp.MustCompile(`^feature = (\S+)$`)
	decisionRe    = regexp.MustCompile(`^decision = (IN|NON-GOAL)$`)
	reasonRe      = regexp.MustCompile(`^reason = (\S.*)$`)
	proposedRe    = regexp.MustCompile(`^- ([a-z][a-z0-9]*(?:-[a-z0-9]+)*): (\S.*)$`)
)

// Parse reads an answer strictly and runs the quality gates on it. An answer
// off its format, or one a gate rejects, is an error wrapping a
// [*GateError], and the engine discards the sample: nothing is repaired.
// Parse checks form only; whether the answer is about the step that was
// asked is for Check and Execute, after the vote.
func (t *Task) Parse(text string) (maker.Candidate[Doc], error) {
	item, err := t.parseItem(text)
	if err != nil {
		return maker.Candidate[Doc]{}, err
	}
	return maker.Candidate[Doc]{Action: action(item), State: Doc{Last: &item}}, nil
}

func (t *Task) parseItem(text string) (Item, error) {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	switch first := lines[0]; {
	case strings.HasPrefix(first, "purpose = "):
		return parsePurpose(lines)
	case strings.HasPrefix(first, "choice = "):
		return parseChoice(lines)
	case first == "features:":
		return parseFeatures(lines)
	case strings.HasPrefix(first, "feature = ") && len(lines) > 1 && lines[1] == "criteria:":
		return t.parseCriteria(lines)
	case strings.HasPrefix(first, "feature = "):
		return parseScope(lines)
	}
	return Item{}, gateErr(GateFormat, "the first line %q opens no known answer", clip(lines[0]))
}

func parsePurpose(lines []string) (Item, error) {
	if len(lines) != 1 {
		return Item{}, gateErr(GateFormat, "a purpose is one line, got %d", len(lines))
	}
	m := purposeLineRe.FindStringSubmatch(lines[0])
	if m == nil {
		return Item{}, gateErr(GateFormat, "want purpose = <sentence>")
	}
	if err := checkPurpose(m[1]); err != nil {
		return Item{}, err
	}
	return Item{Kind: KindPurposeProposal, Text: m[1]}, nil
}

func parseChoice(lines []string) (Item, error) {
	if len(lines) != 2 {
		return Item{}, gateErr(GateFormat, "a choice is two lines, got %d", len(lines))
	}
	c := choiceLineRe.FindStringSubmatch(lines[0])
	p := purposeLineRe.FindStringSubmatch(lines[1])
	if c == nil || p == nil {
		return Item{}, gateErr(GateFormat, "want choice = <number> and purpose = <sentence>")
	}
	n, _ := strconv.Atoi(c[1]) // the pattern admits 1 to 99 only
	return Item{Kind: KindPurposeChoice, Choice: n, Text: p[1]}, nil
}

func parseFeatures(lines []string) (Item, error) {
	list := lines[1:]
	switch {
	case len(list) == 0:
		return Item{}, gateErr(GateFormat, "no features listed")
	case len(list) > maxProposed:
		return Item{}, gateErr(GateTooLong, "%d features listed (at most %d)", len(list), maxProposed)
	}
	item := Item{Kind: KindFeatureProposal}
	seen := map[string]bool{}
	for _, l := range list {
		m := proposedRe.FindStringSubmatch(l)
		if m == nil || len(m[1]) > maxIDLen {
			return Item{}, gateErr(GateFormat, "want - <id>: <description>, got %q", clip(l))
		}
		if seen[m[1]] {
			return Item{}, gateErr(GateFormat, "feature %q listed twice", m[1])
		}
		seen[m[1]] = true
		if err := checkSentence("description of "+m[1], m[2], maxDescWords); err != nil {
			return Item{}, err
		}
		item.Features = append(item.Features, Feature{ID: m[1], Name: humanize(m[1]), Description: m[2], Source: SourceProposed})
	}
	return item, nil
}

func parseScope(lines []string) (Item, error) {
	if len(lines) != 3 {
		return Item{}, gateErr(GateFormat, "a scope decision is three lines, got %d", len(lines))
	}
	f := featureLineRe.FindStringSubmatch(lines[0])
	d := decisionRe.FindStringSubmatch(lines[1])
	r := reasonRe.FindStringSubmatch(lines[2])
	if f == nil || d == nil || r == nil || !idRe.MatchString(f[1]) {
		return Item{}, gateErr(GateFormat, "want feature = <id>, decision = IN or NON-GOAL, reason = <sentence>")
	}
	if err := checkSentence("reason", r[1], maxReasonWords); err != nil {
		return Item{}, err
	}
	return Item{Kind: KindScope, Feature: f[1], Decision: Decision(d[1]), Reason: r[1]}, nil
}

func (t *Task) parseCriteria(lines []string) (Item, error) {
	f := featureLineRe.FindStringSubmatch(lines[0])
	if f == nil || !idRe.MatchString(f[1]) {
		return Item{}, gateErr(GateFormat, "want feature = <id>")
	}
	list := lines[2:]
	switch {
	case len(list) == 0:
		return Item{}, gateErr(GateFormat, "no criteria listed")
	case len(list) > maxCriteria:
		return Item{}, gateErr(GateTooLong, "%d criteria (at most %d)", len(list), maxCriteria)
	}
	item := Item{Kind: KindCriteria, Feature: f[1]}
	seen := map[string]bool{}
	for _, l := range list {
		c, ok := strings.CutPrefix(l, "- ")
		if !ok {
			return Item{}, gateErr(GateFormat, "a criterion line starts with \"- \", got %q", clip(l))
		}
		if err := t.gates.CheckCriterion(f[1], c); err != nil {
			return Item{}, err
		}
		if seen[norm(c)] {
			return Item{}, gateErr(GateFormat, "criterion %q repeated", clip(c))
		}
		seen[norm(c)] = true
		item.Criteria = append(item.Criteria, c)
	}
	return item, nil
}

// action is an item's canonical one-line description: the decided action
// of its step.
func action(it Item) string {
	switch it.Kind {
	case KindPurposeProposal:
		return "propose purpose: " + it.Text
	case KindPurposeChoice:
		return fmt.Sprintf("choose purpose %d: %s", it.Choice, it.Text)
	case KindFeatureProposal:
		ids := make([]string, len(it.Features))
		for i, f := range it.Features {
			ids[i] = f.ID
		}
		return "propose features: " + strings.Join(ids, ", ")
	case KindScope:
		return fmt.Sprintf("%s %s", it.Feature, it.Decision)
	case KindCriteria:
		return fmt.Sprintf("criteria of %s: %d", it.Feature, len(it.Criteria))
	}
	return string(it.Kind)
}

// Key is the canonical vote key: the kind, the feature, the decision, and
// the free text normalised for case and spacing. A scope reason is left
// out, so samples that agree on the decision agree whatever their wording;
// criteria are sorted, because their order means nothing.
func (t *Task) Key(c maker.Candidate[Doc]) string {
	it := c.State.Last
	if it == nil {
		return "none"
	}
	switch it.Kind {
	case KindPurposeProposal:
		return "purpose-proposal|" + norm(it.Text)
	case KindPurposeChoice:
		return fmt.Sprintf("purpose-choice|%d|%s", it.Choice, norm(it.Text))
	case KindFeatureProposal:
		parts := make([]string, len(it.Features))
		for i, f := range it.Features {
			parts[i] = f.ID + ":" + norm(f.Description)
		}
		slices.Sort(parts)
		return "feature-proposal|" + strings.Join(parts, "|")
	case KindScope:
		return "scope|" + it.Feature + "|" + string(it.Decision)
	case KindCriteria:
		parts := make([]string, len(it.Criteria))
		for i, c := range it.Criteria {
			parts[i] = norm(c)
		}
		slices.Sort(parts)
		return "criteria|" + it.Feature + "|" + strings.Join(parts, "|")
	}
	return string(it.Kind)
}

// clip shortens text quoted in an error.
func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
