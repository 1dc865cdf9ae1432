// Package realutil holds what the scenarios that act on real systems
// (apitest, migrate, deploy) share: the two-line answer format of a policy
// step and its strict parser, and the canonical spacing of vote keys.
//
// A policy step answers with the action to carry out and a short summary of
// the state the agent expects the action to lead to. The action is executed
// against the real system; the summary is the agent's half of the paper's
// (action, next state) pair, so a sample that picks the right action for the
// wrong reason does not vote with the ones that understood it.
package realutil

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrFormat is wrapped by every parse failure: the sample is red-flagged.
var ErrFormat = errors.New("answer not in the exact format")

// The answer lines: case-insensitive labels at the start of a line, and the
// last occurrence wins (a model may restate the format before answering),
// as in the paper's parser.
var (
	actionRe   = regexp.MustCompile(`(?im)^[ \t]*action[ \t]*=[ \t]*(.*?)[ \t]*$`)
	expectedRe = regexp.MustCompile(`(?im)^[ \t]*expected[ \t]*=[ \t]*(.*?)[ \t]*$`)
)

// ParseAnswer reads the last "action = ..." and "expected = ..." lines of a
// response. Both must be present and non-empty; nothing is repaired. The
// task parses the action's own grammar after this.
func ParseAnswer(text string) (action, expected string, err error) {
	am := actionRe.FindAllStringSubmatch(text, -1)
	if len(am) == 0 {
		return "", "", fmt.Errorf("%w: no action line", ErrFormat)
	}
	em := expectedRe.FindAllStringSubmatch(text, -1)
	if len(em) == 0 {
		return "", "", fmt.Errorf("%w: no expected line", ErrFormat)
	}
	action, expected = am[len(am)-1][1], em[len(em)-1][1]
	if action == "" {
		return "", "", fmt.Errorf("%w: empty action", ErrFormat)
	}
	if expected == "" {
		return "", "", fmt.Errorf("%w: empty expected state", ErrFormat)
	}
	return action, expected, nil
}

// Render writes an answer in the exact format, after a one-line lead, as the
// simulator's oracles answer.
func Render(lead, action, expected string) string {
	return fmt.Sprintf("%s\naction = %s\nexpected = %s", lead, action, expected)
}

// Fields splits an action into words, collapsing runs of spaces, so that
// spacing never splits a vote.
func Fields(s string) []string { return strings.Fields(s) }

// Canon is s with runs of white space collapsed to one space and trimmed:
// the canonical spelling of an action or a summary in a vote key.
func Canon(s string) string { return strings.Join(strings.Fields(s), " ") }

// LineAfter returns the rest of the first line of text that starts with
// label, for oracles that read a prompt rendered by their own task.
func LineAfter(text, label string) (string, bool) {
	i := strings.Index(text, label)
	if i < 0 {
		return "", false
	}
	rest := text[i+len(label):]
	if j := strings.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	return strings.TrimSpace(rest), true
}

// ParseStep reads a policy step's answer: the two lines (see
// [ParseAnswer]), then the action in the task's own grammar, which action
// checks and writes back in its canonical form, and the expected summary,
// which expect checks. Any failure red-flags the sample.
func ParseStep(text string, action, expect func(string) (string, error)) (canonAction, expected string, err error) {
	act, exp, err := ParseAnswer(text)
	if err != nil {
		return "", "", err
	}
	if canonAction, err = action(act); err != nil {
		return "", "", err
	}
	if expected, err = expect(exp); err != nil {
		return "", "", err
	}
	return canonAction, expected, nil
}

// Key is the vote key of a policy step: the canonical action and the
// expected summary. The summary is in the key because it is the agent's
// account of what the action does; a sample that names the right action
// for the wrong effect did not follow the procedure.
func Key(action, expected string) string { return Canon(action) + " | " + expected }
