package scenutil

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ErrFormat is wrapped by every parse failure of an answer: the sample is
// red-flagged, never repaired.
var ErrFormat = errors.New("answer not in the exact format")

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
			return nil, fmt.Errorf("%w: no %q line", ErrFormat, keys[k]+" = ...")
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
			return nil, fmt.Errorf("%w: empty item in %s", ErrFormat, clip(s))
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
			return nil, fmt.Errorf("%w: list %s: %v", ErrFormat, clip(s), err)
		}
		if seen[p] {
			return nil, fmt.Errorf("%w: list %s names %s twice", ErrFormat, clip(s), p)
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
			return nil, fmt.Errorf("%w: %q is not name:count", ErrFormat, p)
		}
		if err := CheckName(name); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		n, err := Atoi(num)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%w: count of %s is %q, want a positive integer", ErrFormat, name, num)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("%w: %s is listed twice", ErrFormat, name)
		}
		out[name] = n
	}
	return out, nil
}

// Atoi reads a plain non-negative decimal integer: no sign, no spaces, no
// leading zeros beyond "0" itself, at most 9 digits.
func Atoi(s string) (int, error) {
	if s == "" || len(s) > 9 || (len(s) > 1 && s[0] == '0') {
		return 0, fmt.Errorf("%w: %q is not a plain integer", ErrFormat, s)
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("%w: %q is not a plain integer", ErrFormat, s)
		}
	}
	return strconv.Atoi(s)
}

func brackets(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return "", fmt.Errorf("%w: %s is not a [...] list", ErrFormat, clip(s))
	}
	body := strings.TrimSpace(s[1 : len(s)-1])
	if strings.ContainsAny(body, "[]") {
		return "", fmt.Errorf("%w: nested brackets in %s", ErrFormat, clip(s))
	}
	return body, nil
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// FormatList writes names as "[a, b, c]" in the given order.
func FormatList(names []string) string { return "[" + strings.Join(names, ", ") + "]" }

// FormatCounts writes counts as "[a:2, b:1]" sorted by name.
func FormatCounts(m map[string]int) string {
	keys := SortedKeys(m)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ":" + strconv.Itoa(m[k])
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// CompactList and CompactCounts are the spaceless forms used in vote keys.
func CompactList(names []string) string { return "[" + strings.Join(names, ",") + "]" }

// CompactCounts is [FormatCounts] without spaces.
func CompactCounts(m map[string]int) string {
	return strings.ReplaceAll(FormatCounts(m), ", ", ",")
}

// SortedKeys returns the keys of m in byte order.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Sorted returns a sorted copy of names.
func Sorted(names []string) []string {
	out := append([]string(nil), names...)
	sort.Strings(out)
	return out
}
