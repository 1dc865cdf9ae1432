package scenario

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/maker-go/maker"
)

// The answer parsers read what a model wrote strictly: every failure wraps
// [maker.ErrMalformed], so the engine red-flags the sample; nothing is
// repaired.

// nameRe is what a name of a module, resource, interviewer or room may look
// like: no spaces, commas, brackets, colons or @, so lists stay unambiguous.
var nameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]*$`)

// MaxNameLen bounds a name, so an instance file cannot make prompts absurd.
const MaxNameLen = 64

// CheckName reports why s cannot be a name, or nil.
func CheckName(s string) error {
	switch {
	case s == "":
		return errors.New("empty name")
	case len(s) > MaxNameLen:
		return fmt.Errorf("name %q is longer than %d characters", s, MaxNameLen)
	case !nameRe.MatchString(s):
		return fmt.Errorf("name %q: use letters, digits and . _ / - only, starting with a letter or digit", s)
	}
	return nil
}

// Field returns the value of the last line of text that reads "key = value"
// (the key case-insensitive, on a line of its own, spaces around "="
// allowed). A model may restate the format before answering, so the last
// occurrence wins, as in the paper's parser.
func Field(text, key string) (string, error) {
	v, err := Fields(text, key)
	if err != nil {
		return "", err
	}
	return v[0], nil
}

// Fields is [Field] for several keys in one pass over the text: the values
// come back in the order of the keys, and a missing key is a format error.
func Fields(text string, keys ...string) ([]string, error) {
	vals := make([]string, len(keys))
	found := make([]bool, len(keys))
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		line = strings.TrimLeft(line, " \t")
		for k, key := range keys {
			if len(line) <= len(key) || !strings.EqualFold(line[:len(key)], key) {
				continue
			}
			rest := strings.TrimLeft(line[len(key):], " \t")
			if !strings.HasPrefix(rest, "=") {
				continue
			}
			vals[k], found[k] = strings.TrimSpace(rest[1:]), true
		}
	}
	for k, ok := range found {
		if !ok {
			return nil, fmt.Errorf("%w: no %q line", maker.ErrMalformed, keys[k]+" = ...")
		}
	}
	return vals, nil
}

// Items splits "[x, y, z]" into its trimmed items; "[]" has none. An empty
// item ("[a, , b]" or a trailing comma) is a format error.
func Items(s string) ([]string, error) {
	body, err := brackets(s)
	if err != nil {
		return nil, err
	}
	if body == "" {
		return []string{}, nil
	}
	parts := strings.Split(body, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
		if parts[i] == "" {
			return nil, fmt.Errorf("%w: empty item in %s", maker.ErrMalformed, clip(s))
		}
	}
	return parts, nil
}

// ParseList reads "[a, b, c]": bracketed, comma-separated names, each valid
// and none twice. "[]" is the empty list.
func ParseList(s string) ([]string, error) {
	parts, err := Items(s)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(parts))
	seen := make(map[string]bool, len(parts))
	for _, p := range parts {
		if err := CheckName(p); err != nil {
			return nil, fmt.Errorf("%w: list %s: %v", maker.ErrMalformed, clip(s), err)
		}
		if seen[p] {
			return nil, fmt.Errorf("%w: list %s names %s twice", maker.ErrMalformed, clip(s), p)
		}
		seen[p] = true
		out = append(out, p)
	}
	return out, nil
}

// ParseCounts reads "[a:2, b:1]": names with positive counts, none twice.
func ParseCounts(s string) (map[string]int, error) {
	parts, err := Items(s)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, p := range parts {
		name, num, ok := strings.Cut(p, ":")
		name, num = strings.TrimSpace(name), strings.TrimSpace(num)
		if !ok {
			return nil, fmt.Errorf("%w: %q is not name:count", maker.ErrMalformed, p)
		}
		if err := CheckName(name); err != nil {
			return nil, fmt.Errorf("%w: %v", maker.ErrMalformed, err)
		}
		n, err := Atoi(num)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%w: count of %s is %q, want a positive integer", maker.ErrMalformed, name, num)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("%w: %s is listed twice", maker.ErrMalformed, name)
		}
		out[name] = n
	}
	return out, nil
}

// Atoi reads a plain non-negative decimal integer: no sign, no spaces, no
// leading zeros beyond "0" itself, at most 9 digits.
func Atoi(s string) (int, error) {
	if s == "" || len(s) > 9 || (len(s) > 1 && s[0] == '0') {
		return 0, fmt.Errorf("%w: %q is not a plain integer", maker.ErrMalformed, s)
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("%w: %q is not a plain integer", maker.ErrMalformed, s)
		}
	}
	return strconv.Atoi(s)
}

func brackets(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return "", fmt.Errorf("%w: %s is not a [...] list", maker.ErrMalformed, clip(s))
	}
	body := strings.TrimSpace(s[1 : len(s)-1])
	if strings.ContainsAny(body, "[]") {
		return "", fmt.Errorf("%w: nested brackets in %s", maker.ErrMalformed, clip(s))
	}
	return body, nil
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// The two-line answer of a policy step, shared by the scenarios that act on
// real systems (apitest, deploy, migrate): the action to carry out and a
// short summary of the state the agent expects it to lead to. The action is
// executed against the real system; the summary is the agent's half of the
// paper's (action, next state) pair, so a sample that picks the right action
// for the wrong reason does not vote with the ones that understood it.

// ParseAnswer reads the last "action = ..." and "expected = ..." lines of a
// response (see [Fields]). Both must be present and non-empty; nothing is
// repaired. The task parses the action's own grammar after this.
func ParseAnswer(text string) (action, expected string, err error) {
	v, err := Fields(text, "action", "expected")
	if err != nil {
		return "", "", err
	}
	action, expected = v[0], v[1]
	if action == "" {
		return "", "", fmt.Errorf("%w: empty action", maker.ErrMalformed)
	}
	if expected == "" {
		return "", "", fmt.Errorf("%w: empty expected state", maker.ErrMalformed)
	}
	return action, expected, nil
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

// Render writes a policy step's answer in the exact format, after a
// one-line lead, as the simulator's oracles answer.
func Render(lead, action, expected string) string {
	return fmt.Sprintf("%s\naction = %s\nexpected = %s", lead, action, expected)
}

// Canon is s with runs of white space collapsed to one space and trimmed:
// the canonical spelling of an action or a summary in a vote key, so that
// spacing never splits a vote.
func Canon(s string) string { return strings.Join(strings.Fields(s), " ") }

// Key is the vote key of a policy step: the canonical action and the
// expected summary. The summary is in the key because it is the agent's
// account of what the action does; a sample that names the right action
// for the wrong effect did not follow the procedure.
func Key(action, expected string) string { return Canon(action) + " | " + expected }
