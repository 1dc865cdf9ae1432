package taskfile

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A long task file is almost all expected list. The YAML library builds a
// node tree of the whole document, about a kilobyte per expected step, so a
// file of 600,000 steps would take over a gigabyte to read. The list is
// therefore cut out of the text and parsed a batch of items at a time; the
// rest of the file is parsed as before, with the list's lines left blank so
// that every line number stays the file's own.

// listBatch is how many expected items are parsed at once.
const listBatch = 2048

// expectedKey is a top-level `expected:` line whose value is a block list
// on the lines below it.
var expectedKey = regexp.MustCompile(`^expected:[ \t]*(#.*)?\r?$`)

// topKey is a plain top-level key, which ends the list.
var topKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*:( |\t|$)`)

// expectedList is the text of a top-level block list of expected items.
type expectedList struct {
	body      string // the list's lines, as in the file
	firstLine int    // the file's line number of body's first line
	starts    []int  // offset in body of each item's "-" line
}

// splitExpected finds the file's expected list and returns the file with
// the list's lines blanked, and the list. It reports false, and the file is
// then parsed whole, when the list is not written in the plain block form
// it can cut safely: one `expected:` key at column 0, then items that all
// start with "-" at one indentation.
func splitExpected(data string) ([]byte, *expectedList, bool) {
	var (
		keyLine            = -1 // 0-based
		bodyStart, bodyEnd int  // byte offsets of the list in data
		line               int
	)
	for off := 0; off < len(data); line++ {
		end := lineEnd(data, off)
		if expectedKey.MatchString(data[off:end]) {
			if keyLine >= 0 {
				return nil, nil, false // given twice: the whole parse reports it
			}
			keyLine = line
			bodyStart = next(data, end)
		}
		off = next(data, end)
	}
	if keyLine < 0 {
		return nil, nil, false
	}

	l := &expectedList{firstLine: keyLine + 2}
	indent := -1
	bodyEnd = len(data)
	for off := bodyStart; off < len(data); {
		end := lineEnd(data, off)
		text := strings.TrimRight(data[off:end], "\r")
		content := strings.TrimLeft(text, " ")
		n := len(text) - len(content)
		switch {
		case len(content) == 0 || content[0] == '#':
			// blank or a comment: part of whichever item it is in
		case indent < 0:
			if !isItem(content) {
				return nil, nil, false
			}
			indent = n
			l.starts = append(l.starts, off-bodyStart)
		case n == indent && isItem(content):
			l.starts = append(l.starts, off-bodyStart)
		case n == 0 && topKey.MatchString(text):
			bodyEnd = off // the next top-level key
		case n == 0:
			return nil, nil, false // something else at column 0
		case n < indent:
			return nil, nil, false
		}
		if bodyEnd != len(data) {
			break
		}
		off = next(data, end)
	}
	if len(l.starts) == 0 {
		return nil, nil, false
	}
	l.body = data[bodyStart:bodyEnd]

	// The rest of the file, the list's lines left as empty lines.
	lines := strings.Count(l.body, "\n")
	head := make([]byte, 0, len(data)-len(l.body)+lines)
	head = append(head, data[:bodyStart]...)
	head = append(head, strings.Repeat("\n", lines)...)
	head = append(head, data[bodyEnd:]...)
	return head, l, true
}

// isItem reports whether a line's content starts a list item.
func isItem(content string) bool {
	return content[0] == '-' && (len(content) == 1 || content[1] == ' ' || content[1] == '\r')
}

// lineEnd is the offset of the newline ending the line at off, or len(data).
func lineEnd(data string, off int) int {
	if i := strings.IndexByte(data[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(data)
}

// next is the offset after the newline at end.
func next(data string, end int) int { return min(end+1, len(data)) }

// wellFormed reports whether every batch of the list is YAML that parses.
func (l *expectedList) wellFormed() bool {
	return l.batches(func(text string, _ int) error {
		var doc yaml.Node
		return yaml.Unmarshal([]byte(text), &doc)
	}) == nil
}

// cutFrom reports whether root, the rest of the file parsed, holds the
// list's key at its top level with the empty value the cut left. A line
// that reads `expected:` may be inside a multi-line scalar, and is then no
// key: such a file is parsed whole.
func (l *expectedList) cutFrom(root *yaml.Node) bool {
	if root.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k, v := root.Content[i], root.Content[i+1]; k.Value == "expected" && k.Line == l.firstLine-1 {
			return v.Kind == yaml.ScalarNode && v.Tag == "!!null"
		}
	}
	return false
}

// batches calls f with each run of up to listBatch items: their text and
// the file's line number of its first line.
func (l *expectedList) batches(f func(text string, line int) error) error {
	line := l.firstLine
	prev := 0
	for i := 0; i < len(l.starts); i += listBatch {
		from := l.starts[i]
		to := len(l.body)
		if j := i + listBatch; j < len(l.starts) {
			to = l.starts[j]
		}
		line += strings.Count(l.body[prev:from], "\n")
		if err := f(l.body[from:to], line); err != nil {
			return err
		}
		prev = from
	}
	return nil
}
