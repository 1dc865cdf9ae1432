package taskfile

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/maker-go/maker"
)

// The key rules beyond trim, collapse_spaces and case. Each maps one field
// of one answer to a spelling of its meaning, and sees nothing else: not
// the expected answer, not the other votes.

// keyMore are the key rules that are not plain values: the regular
// expressions of regex_replace, the number grid and the key program. It
// sits behind a pointer so that a KeyRule stays comparable.
type keyMore struct {
	replace []replaceRule
	grid    *maker.NumberGrid
	command *keyCommand
}

// replaceRule is one of key.regex_replace: every match of re is replaced
// by with, which may name groups as $1 or ${name}.
type replaceRule struct {
	re   *regexp.Regexp
	with string
}

// normalize applies the rules to one field, in the order the file
// reference gives: trim, regex_replace, then json (a field that is a JSON
// object or array is keyed by its canonical form, untouched by
// collapse_spaces), else number and collapse_spaces; case last.
func (k KeyRule) normalize(s string) string {
	if k.Trim {
		s = strings.TrimSpace(s)
	}
	if k.more != nil {
		for _, r := range k.more.replace {
			s = r.re.ReplaceAllString(s, r.with)
		}
	}
	if c, ok := k.canonicalJSON(s); ok {
		return k.applyCase(c)
	}
	if k.Number {
		s = maker.ReplaceNumbers(s, k.numberKey)
	}
	// Only a tab or two spaces in a row make a run to collapse; most
	// answers have neither, and skip the regular expression.
	if k.CollapseSpaces && (strings.Contains(s, "  ") || strings.ContainsRune(s, '\t')) {
		s = spaces.ReplaceAllString(s, " ")
	}
	return k.applyCase(s)
}

// canonicalJSON is s in canonical JSON when the rule has json and s is a
// JSON object or array.
func (k KeyRule) canonicalJSON(s string) (string, bool) {
	if !k.JSON {
		return "", false
	}
	t := strings.TrimSpace(s)
	if t == "" || t[0] != '{' && t[0] != '[' {
		return "", false
	}
	num := maker.CanonicalNumber
	if k.Number {
		num = k.numberKey
	}
	c, err := maker.CanonicalJSONNumbers(t, num)
	return c, err == nil
}

// numberKey writes one number: exactly, or rounded to the tolerance's grid.
func (k KeyRule) numberKey(lit string) (string, error) {
	if k.more != nil && k.more.grid != nil {
		return k.more.grid.Key(lit)
	}
	return maker.CanonicalNumber(lit)
}

func (k KeyRule) applyCase(s string) string {
	switch k.Case {
	case CaseLower:
		return strings.ToLower(s)
	case CaseUpper:
		return strings.ToUpper(s)
	}
	return s
}

// keyFields are the fields of `key`.
var keyFields = []string{"trim", "collapse_spaces", "case", "json", "number", "regex_replace", "command"}

// keyRuleMore reads the key fields beyond trim, collapse_spaces and case.
func (d *decoder) keyRuleMore(m map[string]*yaml.Node, k *KeyRule) error {
	var err error
	if v, ok := m["json"]; ok {
		if k.JSON, err = d.boolean(v, "key.json"); err != nil {
			return err
		}
	}
	if v, ok := m["number"]; ok {
		if err := d.keyNumber(v, k); err != nil {
			return err
		}
	}
	if v, ok := m["regex_replace"]; ok {
		if err := d.keyReplace(v, k); err != nil {
			return err
		}
	}
	if v, ok := m["command"]; ok {
		if d.opts.NoExecute {
			return d.errf(v, "key.command", "runs a program on the server that reads this task file, which is not allowed here")
		}
		c, err := d.keyCommand(v)
		if err != nil {
			return err
		}
		k.ensureMore().command = c
	}
	return nil
}

func (k *KeyRule) ensureMore() *keyMore {
	if k.more == nil {
		k.more = &keyMore{}
	}
	return k.more
}

// keyNumber reads key.number: true (numbers compared exactly, in one
// spelling) or {tolerance: 0.01} (numbers rounded to that grid).
func (d *decoder) keyNumber(n *yaml.Node, k *KeyRule) error {
	if n.Kind == yaml.ScalarNode {
		on, err := d.boolean(n, "key.number")
		if err != nil {
			return d.errf(n, "key.number", "want true or {tolerance: 0.01}, got %s", quote(n.Value))
		}
		k.Number = on
		return nil
	}
	m, err := d.mapping(n, "key.number", "tolerance")
	if err != nil {
		return err
	}
	tn, err := d.required(m, n, "key.number", "tolerance")
	if err != nil {
		return err
	}
	s, err := d.scalar(tn, "key.number.tolerance")
	if err != nil {
		return err
	}
	g, err := maker.NewNumberGrid(s)
	if err != nil {
		return d.errf(tn, "key.number.tolerance", "%v", err)
	}
	k.Number, k.Tolerance = true, s
	k.ensureMore().grid = g
	return nil
}

// keyReplace reads key.regex_replace: a list of {pattern, replace}.
func (d *decoder) keyReplace(n *yaml.Node, k *KeyRule) error {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return d.errf(n, "key.regex_replace", "want a list of {pattern, replace}")
	}
	for i, item := range n.Content {
		field := fmt.Sprintf("key.regex_replace[%d]", i)
		m, err := d.mapping(item, field, "pattern", "replace")
		if err != nil {
			return err
		}
		pn, err := d.required(m, item, field, "pattern")
		if err != nil {
			return err
		}
		re, err := d.regex(pn, field+".pattern")
		if err != nil {
			return err
		}
		with := ""
		if wn, ok := m["replace"]; ok {
			if wn.Kind != yaml.ScalarNode || wn.Tag == "!!null" {
				return d.errf(wn, field+".replace", "want a text value (write \"\" to delete the match)")
			}
			with = wn.Value
		}
		k.ensureMore().replace = append(k.ensureMore().replace, replaceRule{re: re, with: with})
	}
	return nil
}
