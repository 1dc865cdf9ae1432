package runs

import (
	"fmt"
	"io"
	"strings"
)

// Fact is one task-specific line of a run's summary, computed once and
// rendered twice: as the JSON field key (with value) and as an aligned
// text line "label  text". A Fact with no key is text only; one with no
// label is JSON only.
type Fact struct {
	Key   string // JSON field; "" for text only
	Value any    // the JSON value
	Label string // text label; "" for JSON only
	// Text is the text rendering; "" prints value with %v. Lines after
	// the first are printed as they are (indented detail lines), and a
	// text that starts with a line break puts the label on its own line.
	Text string
}

// factLabelWidth is the width of a text label, as in [maker.Summary]'s
// own text.
const factLabelWidth = 12

// jsonFields adds the facts with a key to m.
func jsonFields(facts []Fact, m map[string]any) map[string]any {
	for _, f := range facts {
		if f.Key == "" {
			continue
		}
		if m == nil {
			m = map[string]any{}
		}
		m[f.Key] = f.Value
	}
	return m
}

// writeFacts prints the facts with a label as aligned text lines.
func writeFacts(w io.Writer, facts []Fact) error {
	width := factLabelWidth
	for _, f := range facts {
		width = max(width, len(f.Label)+1)
	}
	var b strings.Builder
	for _, f := range facts {
		if f.Label == "" {
			continue
		}
		text := f.Text
		if text == "" {
			text = fmt.Sprint(f.Value)
		}
		first, rest, _ := strings.Cut(text, "\n")
		if first == "" {
			b.WriteString(f.Label)
		} else {
			fmt.Fprintf(&b, "%-*s%s", width, f.Label, first)
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
