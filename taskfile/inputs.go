package taskfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
	tparse "text/template/parse"

	"go.yaml.in/yaml/v3"
)

// inputs are a task's per-step inputs: record i is step i's. A file is
// streamed (see [source]); an inline list is held.
type inputs struct {
	src    *source
	cur    *cursor
	inline []Record
}

func (in *inputs) count() int {
	if in.src != nil {
		return in.src.count
	}
	return len(in.inline)
}

func (in *inputs) at(i int) (Record, error) {
	if in.src != nil {
		return in.cur.at(i)
	}
	if i < 0 || i >= len(in.inline) {
		return Record{}, fmt.Errorf("inputs: no item %d (the list has %d)", i+1, len(in.inline))
	}
	return in.inline[i], nil
}

// first is the first record, which templates are checked against.
func (in *inputs) first() Record {
	if in.src != nil {
		return *in.src.first
	}
	return in.inline[0]
}

// formatOf guesses an input file's format from its extension.
func formatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson":
		return formatJSONL
	case ".csv":
		return formatCSV
	}
	return formatLines
}

// inputs reads the `inputs` field: a file name, {file, format}, or an
// inline list of texts or mappings. Every record is checked for the fields
// the user template names.
func (d *decoder) inputs(n *yaml.Node, check *fieldCheck) (*inputs, error) {
	switch n.Kind {
	case yaml.SequenceNode:
		return d.inlineInputs(n, check)
	case yaml.ScalarNode:
		name, err := d.scalar(n, "inputs")
		if err != nil {
			return nil, err
		}
		return d.inputFile(n, n, name, "", check)
	}
	m, err := d.mapping(n, "inputs", "file", "format")
	if err != nil {
		return nil, err
	}
	fn, err := d.required(m, n, "inputs", "file")
	if err != nil {
		return nil, err
	}
	name, err := d.scalar(fn, "inputs.file")
	if err != nil {
		return nil, err
	}
	format := ""
	if v, ok := m["format"]; ok {
		if format, err = d.scalar(v, "inputs.format"); err != nil {
			return nil, err
		}
		if !slices.Contains([]string{formatJSONL, formatCSV, formatLines}, format) {
			return nil, d.errf(v, "inputs.format", "want jsonl, csv or lines, got %s", quote(format))
		}
	}
	return d.inputFile(n, fn, name, format, check)
}

func (d *decoder) inlineInputs(n *yaml.Node, check *fieldCheck) (*inputs, error) {
	if len(n.Content) == 0 {
		return nil, d.errf(n, "inputs", "the list is empty")
	}
	in := &inputs{inline: make([]Record, 0, len(n.Content))}
	for i, item := range n.Content {
		field := fmt.Sprintf("inputs[%d]", i)
		var r Record
		switch item.Kind {
		case yaml.ScalarNode:
			s, err := d.scalar(item, field)
			if err != nil {
				return nil, err
			}
			r = Record{Text: s}
		case yaml.MappingNode:
			var fields map[string]any
			if err := d.decode(item, field, &fields); err != nil {
				return nil, err
			}
			if len(fields) > maxFields {
				return nil, d.errf(item, field, "%d fields, over the %d a record may have", len(fields), maxFields)
			}
			for k, v := range fields {
				switch v.(type) {
				case map[string]any, []any:
					return nil, d.errf(item, field+"."+k, "want a text value")
				case nil:
					fields[k] = ""
				}
			}
			text, err := json.Marshal(fields)
			if err != nil {
				return nil, d.errf(item, field, "%v", err)
			}
			r = Record{Text: string(text), Fields: fields}
		default:
			return nil, d.errf(item, field, "want a text or a mapping of fields")
		}
		if err := check.record(d, i, r, func(msg string) *Error { return d.errf(item, field, "%s", msg) }); err != nil {
			return nil, err
		}
		in.inline = append(in.inline, r)
	}
	return in, nil
}

// inputFile scans an input file at load: it must exist, and every record
// must read and have the template's fields, so a bad line stops the run
// before any model call.
func (d *decoder) inputFile(n, at *yaml.Node, name, format string, check *fieldCheck) (*inputs, error) {
	if strings.TrimSpace(name) == "" {
		return nil, d.errf(at, "inputs", "must not be empty")
	}
	if format == "" {
		format = formatOf(name)
	}
	src, err := d.source(at, "inputs", name, format, "give the records inline, as a list under inputs")
	if err != nil {
		return nil, err
	}
	err = d.scanSource(at, "inputs", src, func(i int, r Record) error {
		return check.record(d, i, r, func(msg string) *Error { return &Error{File: src.path, Line: r.Line, Msg: msg} })
	})
	if err != nil {
		return nil, err
	}
	if src.count == 0 {
		return nil, d.errf(at, "inputs", "%s has no records", name)
	}
	return &inputs{src: src, cur: newCursor(src)}, nil
}

// scanSource scans a data file named at node at, turning its problems into
// located errors: the task file's line for a missing file, the data file's
// own line for a bad record.
func (d *decoder) scanSource(at *yaml.Node, field string, src *source, each func(int, Record) error) error {
	err := src.scan(each)
	if err == nil {
		return nil
	}
	if re, ok := errors.AsType[*recordError](err); ok {
		return &Error{File: src.path, Line: re.line, Msg: clip(re.msg, maxMsg)}
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	if errors.Is(err, fs.ErrNotExist) {
		return d.errf(at, field, "%s: no such file", src.path)
	}
	return d.errf(at, field, "%v", err)
}

// fieldCheck checks each input record for the fields the user template
// names ({{.Input.amount}}), so that every step can be prompted, not only
// the first.
type fieldCheck struct {
	node  *yaml.Node // the user template, where the first record's errors are
	names []string
}

// record checks record i. A problem with the first record is the
// template's (it names a field the inputs lack), and the error lists the
// fields they have; one with a later record is that record's, located by
// at, and quotes none of it.
func (c *fieldCheck) record(d *decoder, i int, r Record, at func(msg string) *Error) error {
	for _, name := range c.names {
		if r.Fields == nil {
			if i == 0 {
				return d.errf(c.node, "user", "{{.Input.%s}}: the inputs are plain lines, which have no fields (use {{.Input}})", name)
			}
			return at(fmt.Sprintf("a text, which has no field %s: the user template names {{.Input.%s}}", quote(name), name))
		}
		if _, ok := r.Fields[name]; ok {
			continue
		}
		if i == 0 {
			return d.errf(c.node, "user", "{{.Input.%s}}: the inputs have no field %s (the first record has %s)", name, quote(name), fieldNames(r.Fields))
		}
		return at(fmt.Sprintf("no field %s: the user template names {{.Input.%s}}", quote(name), name))
	}
	return nil
}

// fieldNames lists a record's field names for a message, in order: at
// most 20, each cut short.
func fieldNames(fields map[string]any) string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	const most = 20
	more := len(names) - most
	names = names[:min(len(names), most)]
	for i, n := range names {
		names[i] = clip(n, 64)
	}
	s := strings.Join(names, ", ")
	if more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

// walk calls fn on every field node of a template tree.
func walk(n tparse.Node, fn func(*tparse.FieldNode)) {
	switch n := n.(type) {
	case *tparse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walk(c, fn)
		}
	case *tparse.ActionNode:
		walk(n.Pipe, fn)
	case *tparse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walk(c, fn)
		}
	case *tparse.CommandNode:
		for _, a := range n.Args {
			walk(a, fn)
		}
	case *tparse.FieldNode:
		fn(n)
	case *tparse.ChainNode:
		walk(n.Node, fn)
	case *tparse.IfNode:
		walk(n.Pipe, fn)
		walk(n.List, fn)
		walk(n.ElseList, fn)
	case *tparse.RangeNode:
		walk(n.Pipe, fn)
		walk(n.List, fn)
		walk(n.ElseList, fn)
	case *tparse.WithNode:
		walk(n.Pipe, fn)
		walk(n.List, fn)
		walk(n.ElseList, fn)
	case *tparse.TemplateNode:
		walk(n.Pipe, fn)
	}
}

// checkNoInput refuses a template that shows {{.Input}} in a task without
// inputs, which would otherwise render as nothing.
func (d *decoder) checkNoInput(n *yaml.Node, tmpl *template.Template) error {
	var bad error
	walk(tmpl.Tree.Root, func(f *tparse.FieldNode) {
		if bad == nil && f.Ident[0] == "Input" {
			bad = d.errf(n, "user", "{{.%s}}: the task has no inputs (add an inputs field)", strings.Join(f.Ident, "."))
		}
	})
	return bad
}
