package main

import (
	"fmt"
	"io"
	"strings"
)

// fact is one task-specific line of a run's summary, computed once and
// rendered twice: as the JSON field key (with value) and as an aligned
// text line "label  text". A fact with no key is text only; one with no
// label is JSON only.
type fact struct {
	key   string // JSON field; "" for text only
	value any    // the JSON value
	label string // text label; "" for JSON only
	// text is the text rendering; "" prints value with %v. Lines after
	// the first are printed as they are (indented detail lines), and a
	// text that starts with a line break puts the label on its own line.
	text string
}

// factLabelWidth is the width of a text label, as in [maker.Summary]'s
// own text.
const factLabelWidth = 12

// jsonFields adds the facts with a key to m.
func jsonFields(facts []fact, m map[string]any) map[string]any {
	for _, f := range facts {
		if f.key == "" {
			continue
		}
		if m == nil {
			m = map[string]any{}
		}
		m[f.key] = f.value
	}
	return m
}

// writeFacts prints the facts with a label as aligned text lines.
func writeFacts(w io.Writer, facts []fact) error {
	width := factLabelWidth
	for _, f := range facts {
		width = max(width, len(f.label)+1)
	}
	var b strings.Builder
	for _, f := range facts {
		if f.label == "" {
			continue
		}
		text := f.text
		if text == "" {
			text = fmt.Sprint(f.value)
		}
		first, rest, _ := strings.Cut(text, "\n")
		if first == "" {
			b.WriteString(f.label)
		} else {
			fmt.Fprintf(&b, "%-*s%s", width, f.label, first)
		}
		b.WriteByte('\n')
		if rest != "" {
			b.WriteString(strings.TrimSuffix(rest, "\n"))
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
