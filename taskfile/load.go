package taskfile

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	tparse "text/template/parse"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/maker-go/maker/internal/fieldtmpl"
	"github.com/maker-go/maker/internal/fileio"
)

// Options say what a task file may reach beyond its own text. The zero
// value is the command line's: the file is its reader's own, and the
// files and programs it names are taken from its directory.
type Options struct {
	// NoFiles refuses every path the file names: an inputs file,
	// expected_file and a JSON schema's $ref, before anything is opened or
	// looked up; only Files and AllowDirs let some through. It is for a task file a server receives from a client:
	// a path would be looked up on the server, and a record, a line or
	// even whether the file exists would come back in the errors.
	NoFiles bool
	// NoExecute refuses execute, before its program is looked up: running
	// it would run a program on the machine that reads the file.
	NoExecute bool
	// Files are the data files sent with the task file (its inputs and
	// expected_file), by the name the file gives them: such a name is read
	// from here and never looked up (confine.go). A journaled run keeps
	// them, and is resumed from them.
	Files map[string][]byte
	// AllowDirs, with NoFiles, are the directories whose files and
	// programs the task file may name after all: a path is cleaned, made
	// absolute and its symbolic links resolved, and taken only when it is
	// inside one of them (confine.go).
	AllowDirs []string
}

// Load reads and checks the task file at path. Errors name the path as
// given, the line and the field. A file over [fileio.MaxTaskFile] (64 MiB)
// is refused, and reading stops when ctx is done, even on a FIFO that
// never delivers.
func Load(ctx context.Context, path string) (*Task, error) {
	b, err := fileio.ReadCapped(ctx, path, fileio.MaxTaskFile)
	if err != nil {
		return nil, fmt.Errorf("task file: %w", err)
	}
	return Parse(path, string(b))
}

// Parse is [ParseWith] with the command line's options: the files the task
// file names are read, from its directory.
func Parse(name, text string) (*Task, error) { return ParseWith(name, text, Options{}) }

// ParseWith reads and checks a task file's contents; name is used in
// errors, and relative paths in the file are taken from its directory.
// Every field is checked before the task is returned: templates render,
// regular expressions compile and have their groups, and each expected
// answer, written in the answer format, parses back to itself.
//
// A long expected list is parsed a batch of items at a time, so that what
// a file takes to read stays near what it holds (see split.go); a file
// whose YAML does not parse that way is parsed whole, so the result and the
// errors are the same either way.
func ParseWith(name, text string, opts Options) (*Task, error) {
	if head, list, ok := splitExpected(text); ok {
		t, err := parse(name, head, list, opts)
		if err == nil {
			return t, nil
		}
		// The whole parse reports a syntax error anywhere before any other
		// error, so another error stands only if the list's YAML is sound.
		if _, syntax := errors.AsType[*yamlError](err); !syntax && list.wellFormed() {
			return nil, err
		}
	}
	t, err := parse(name, []byte(text), nil, opts)
	if ye, ok := errors.AsType[*yamlError](err); ok {
		return nil, ye.err
	}
	return t, err
}

// yamlError is a YAML syntax error, told apart so that a failed batched
// parse can fall back to parsing the file whole.
type yamlError struct{ err *Error }

func (e *yamlError) Error() string { return e.err.Error() }
func (e *yamlError) Unwrap() error { return e.err }

// parse reads a task from data, and its expected items from list when the
// list was cut out of data.
func parse(name string, data []byte, list *expectedList, opts Options) (*Task, error) {
	d := &decoder{file: name, opts: opts}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &yamlError{d.yamlErr(err)}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, &Error{File: name, Msg: "empty task file"}
	}
	if list != nil && !list.cutFrom(doc.Content[0]) {
		// Not the list it was cut out as: parse the file whole.
		return nil, &yamlError{&Error{File: name, Msg: "the expected list is not a top-level key's value"}}
	}
	return d.task(doc.Content[0], list)
}

// yamlLine pulls the line out of the YAML library's syntax errors
// ("yaml: line 7: ...") so they read like the others.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

type decoder struct {
	file string
	opts Options
}

// maxMsg bounds an error's message: a message that quotes a value (a
// regular expression, an answer, a record's field) stays one short line.
const maxMsg = 512

func (d *decoder) errf(n *yaml.Node, field, format string, args ...any) *Error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &Error{File: d.file, Line: line, Field: field, Msg: clip(fmt.Sprintf(format, args...), maxMsg)}
}

// clip cuts s to at most max bytes, on a character boundary, marking the
// cut.
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - len("...")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// quote is a value quoted in a message: at most its first 64 bytes.
func quote(s string) string { return strconv.Quote(clip(s, 64)) }

func (d *decoder) yamlErr(err error) *Error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: d.file, Line: line, Msg: clip("invalid YAML: "+m[2], maxMsg)}
	}
	return &Error{File: d.file, Msg: clip("invalid YAML: "+strings.TrimPrefix(msg, "yaml: "), maxMsg)}
}

// mapping returns the keys of a mapping node, rejecting unknown and
// repeated keys: a misspelt field is an error, not a silent default.
func (d *decoder) mapping(n *yaml.Node, field string, allowed ...string) (map[string]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		return nil, d.errf(n, field, "want a mapping of %s", strings.Join(allowed, ", "))
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		path := key
		if field != "" {
			path = field + "." + key
		}
		if !contains(allowed, key) {
			return nil, d.errf(k, path, "unknown field (want one of %s)", strings.Join(allowed, ", "))
		}
		if _, dup := out[key]; dup {
			return nil, d.errf(k, path, "given twice")
		}
		out[key] = v
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// scalar reads a scalar as text. Numbers and booleans are taken as written,
// so `initial: 0` is the state "0".
func (d *decoder) scalar(n *yaml.Node, field string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", d.errf(n, field, "want a text value")
	}
	return n.Value, nil
}

func (d *decoder) required(m map[string]*yaml.Node, parent *yaml.Node, field, key string) (*yaml.Node, error) {
	n, ok := m[key]
	if !ok {
		path := key
		if field != "" {
			path = field + "." + key
		}
		return nil, d.errf(parent, path, "required")
	}
	return n, nil
}

func (d *decoder) integer(n *yaml.Node, field string) (int, error) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		return 0, d.errf(n, field, "want a whole number, got %s", quote(n.Value))
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil {
		return 0, d.errf(n, field, "want a whole number, got %s", quote(n.Value))
	}
	return v, nil
}

func (d *decoder) boolean(n *yaml.Node, field string) (bool, error) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		var b bool
		if err := n.Decode(&b); err == nil {
			return b, nil
		}
	}
	return false, d.errf(n, field, "want true or false, got %s", quote(n.Value))
}

func (d *decoder) regex(n *yaml.Node, field string) (*regexp.Regexp, error) {
	s, err := d.scalar(n, field)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(s)
	if err != nil {
		return nil, d.errf(n, field, "%v", err)
	}
	return re, nil
}

// task reads the whole file, the expected items from list when it was cut
// out of the file.
func (d *decoder) task(root *yaml.Node, list *expectedList) (*Task, error) {
	m, err := d.mapping(root, "", "name", "system", "user", "initial", "answer", "key", "done", "expected", "expected_file", "inputs", "execute", "on_no_consensus", "validate")
	if err != nil {
		return nil, err
	}
	t := &Task{file: d.file, key: KeyRule{Trim: true, CollapseSpaces: true, Case: CaseKeep}}
	for _, f := range []struct {
		key string
		dst *string
	}{{"name", &t.name}, {"system", &t.system}, {"initial", &t.initial}} {
		n, err := d.required(m, root, "", f.key)
		if err != nil {
			return nil, err
		}
		if *f.dst, err = d.scalar(n, f.key); err != nil {
			return nil, err
		}
		if strings.TrimSpace(*f.dst) == "" {
			return nil, d.errf(n, f.key, "must not be empty")
		}
	}
	t.initial = strings.TrimSpace(t.initial)
	if n, ok := m["key"]; ok {
		if t.key, err = d.keyRule(n); err != nil {
			return nil, err
		}
	}
	un, err := d.required(m, root, "", "user")
	if err != nil {
		return nil, err
	}
	user, err := d.userTemplate(un)
	if err != nil {
		return nil, err
	}
	if n, ok := m["inputs"]; ok {
		if t.in, err = d.inputs(n, &fieldCheck{node: un, names: inputFields(user)}); err != nil {
			return nil, err
		}
	}
	dn, err := d.required(m, root, "", "done")
	if err != nil {
		return nil, err
	}
	if err := d.done(dn, t); err != nil {
		return nil, err
	}
	if n, ok := m["execute"]; ok {
		if d.opts.NoExecute {
			return nil, d.errf(n, "execute", "runs a program on the server that reads this task file, which is not allowed here")
		}
		if t.exec, err = d.execute(n); err != nil {
			return nil, err
		}
	}
	if n, ok := m["validate"]; ok {
		if t.validator, err = d.validate(n); err != nil {
			return nil, err
		}
	}
	if n, ok := m["on_no_consensus"]; ok {
		if err := d.onNoConsensus(n, t); err != nil {
			return nil, err
		}
	}
	if err := d.user(un, user, t); err != nil {
		return nil, err
	}
	an, err := d.required(m, root, "", "answer")
	if err != nil {
		return nil, err
	}
	if t.format, err = d.answer(an); err != nil {
		return nil, err
	}
	t.expected.initial = t.initial
	if fn, ok := m["expected_file"]; ok {
		if en, both := m["expected"]; both {
			return nil, d.errf(en, "expected", "give expected or expected_file, not both")
		}
		if err := d.expectedFile(fn, t); err != nil {
			return nil, err
		}
	}
	if en, ok := m["expected"]; ok && list != nil {
		if err := d.expectedBatches(list, t); err != nil {
			return nil, err
		}
	} else if ok {
		if err := d.expected(en, t); err != nil {
			return nil, err
		}
	}
	t.expected.seal()
	return t, nil
}

func (d *decoder) keyRule(n *yaml.Node) (KeyRule, error) {
	k := KeyRule{Trim: true, CollapseSpaces: true, Case: CaseKeep}
	m, err := d.mapping(n, "key", keyFields...)
	if err != nil {
		return k, err
	}
	if err := d.keyRuleMore(m, &k); err != nil {
		return k, err
	}
	if v, ok := m["trim"]; ok {
		if k.Trim, err = d.boolean(v, "key.trim"); err != nil {
			return k, err
		}
	}
	if v, ok := m["collapse_spaces"]; ok {
		if k.CollapseSpaces, err = d.boolean(v, "key.collapse_spaces"); err != nil {
			return k, err
		}
	}
	if v, ok := m["case"]; ok {
		s, err := d.scalar(v, "key.case")
		if err != nil {
			return k, err
		}
		switch c := Case(s); c {
		case CaseKeep, CaseLower, CaseUpper:
			k.Case = c
		default:
			return k, d.errf(v, "key.case", "want keep, lower or upper, got %s", quote(s))
		}
	}
	return k, nil
}

func (d *decoder) done(n *yaml.Node, t *Task) error {
	m, err := d.mapping(n, "done", "steps", "state_matches", "inputs")
	if err != nil {
		return err
	}
	if len(m) == 0 {
		return d.errf(n, "done", "give steps, state_matches or both")
	}
	if v, ok := m["inputs"]; ok {
		on, err := d.boolean(v, "done.inputs")
		if err != nil {
			return err
		}
		switch {
		case !on:
			return d.errf(v, "done.inputs", "write true, or leave it out")
		case t.in == nil:
			return d.errf(v, "done.inputs", "the task has no inputs")
		}
		if s, both := m["steps"]; both {
			return d.errf(s, "done.steps", "give steps or inputs, not both: with inputs the task takes one step per input")
		}
		t.steps = t.in.count()
	}
	if v, ok := m["steps"]; ok {
		if t.steps, err = d.integer(v, "done.steps"); err != nil {
			return err
		}
		if t.steps < 1 {
			return d.errf(v, "done.steps", "must be at least 1, got %d", t.steps)
		}
		if t.in != nil && t.steps > t.in.count() {
			return d.errf(v, "done.steps", "%d steps, but the inputs have only %d", t.steps, t.in.count())
		}
	}
	if t.in != nil && t.steps == 0 {
		// Ending on a state pattern only: the inputs still bound the run.
		t.steps = t.in.count()
	}
	if v, ok := m["state_matches"]; ok {
		if t.doneRe, err = d.regex(v, "done.state_matches"); err != nil {
			return err
		}
		if t.doneRe.MatchString(t.initial) {
			return d.errf(v, "done.state_matches", "already matches the initial state %s: the task would take no step", quote(t.initial))
		}
	}
	return nil
}

// userFields are the fields a user template may name.
var userFields = []fieldtmpl.Field{{Name: "State"}, {Name: "Prev"}, {Name: "Step"}, {Name: "Steps"}, {Name: "Input", Keys: true}}

// answerFields are the fields answer.template may name.
var answerFields = []fieldtmpl.Field{{Name: "Action"}, {Name: "State"}}

// maxRendered bounds what a template renders: a user prompt, or an answer
// written with answer.template. It is beyond any model's context, and
// keeps a template that names a long field many times from taking the
// memory of the machine that renders it.
const maxRendered = 4 << 20

// template parses a template field (the user prompt, answer.template) as
// the subset of [fieldtmpl]: text, the given fields and {{if}} on them. A
// template is at most [fileio.MaxPromptFile] (1 MiB) of text.
func (d *decoder) template(n *yaml.Node, field string, fields []fieldtmpl.Field) (*template.Template, error) {
	s, err := d.scalar(n, field)
	if err != nil {
		return nil, err
	}
	if len(s) > fileio.MaxPromptFile {
		return nil, d.errf(n, field, "the template is %d bytes, over the %d MiB a template may be", len(s), fileio.MaxPromptFile>>20)
	}
	tmpl, err := fieldtmpl.Parse(field, s, fields...)
	if err != nil {
		return nil, d.errf(n, field, "%s", strings.TrimPrefix(err.Error(), "template: "))
	}
	return tmpl, nil
}

// userTemplate parses the user-prompt template, before the inputs are
// read, so that they are checked for the fields it names.
func (d *decoder) userTemplate(n *yaml.Node) (*template.Template, error) {
	tmpl, err := d.template(n, "user", userFields)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(n.Value, ".State") {
		return nil, d.errf(n, "user", "the template must show the state with {{.State}}")
	}
	return tmpl, nil
}

// inputFields are the fields of the input a template names
// ({{.Input.amount}}), each once.
func inputFields(tmpl *template.Template) []string {
	var names []string
	walk(tmpl.Tree.Root, func(f *tparse.FieldNode) {
		if len(f.Ident) == 2 && f.Ident[0] == "Input" && !slices.Contains(names, f.Ident[1]) {
			names = append(names, f.Ident[1])
		}
	})
	return names
}

// user renders the user template once, with the initial state and the
// first input, so a template that cannot render, or renders too long,
// fails here and not at step 1 of a paid run.
func (d *decoder) user(n *yaml.Node, tmpl *template.Template, t *Task) error {
	data := PromptData{State: t.initial, Step: 1, Steps: t.steps}
	if t.in != nil {
		data.Input = inputData(t.in.first())
	} else if err := d.checkNoInput(n, tmpl); err != nil {
		return err
	}
	if _, err := fieldtmpl.Render(tmpl, data, maxRendered); err != nil {
		if errors.Is(err, fieldtmpl.ErrTooLong) {
			return d.errf(n, "user", "the prompt renders over %d MiB (with the initial state and the first input)", maxRendered>>20)
		}
		return d.errf(n, "user", "%s", strings.TrimPrefix(err.Error(), "template: "))
	}
	t.user = tmpl
	return nil
}

func (d *decoder) answer(n *yaml.Node) (format, error) {
	m, err := d.mapping(n, "answer", "regex", "template", "json")
	if err != nil {
		return nil, err
	}
	rn, isRe := m["regex"]
	jn, isJSON := m["json"]
	switch {
	case isRe && isJSON:
		return nil, d.errf(n, "answer", "give regex or json, not both")
	case isJSON:
		if tn, ok := m["template"]; ok {
			return nil, d.errf(tn, "answer.template", "not used with json: expected answers are written as JSON objects")
		}
		return d.jsonFormat(jn)
	case !isRe:
		return nil, d.errf(n, "answer", "give regex (with named groups action and state) or json")
	}
	re, err := d.regex(rn, "answer.regex")
	if err != nil {
		return nil, err
	}
	for _, g := range []string{"action", "state"} {
		if re.SubexpIndex(g) < 0 {
			return nil, d.errf(rn, "answer.regex", "missing named group %q (write (?P<%s>...))", g, g)
		}
	}
	f := &regexFormat{re: re}
	if tn, ok := m["template"]; ok {
		if f.tmpl, err = d.template(tn, "answer.template", answerFields); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (d *decoder) jsonFormat(n *yaml.Node) (format, error) {
	m, err := d.mapping(n, "answer.json", "schema")
	if err != nil {
		return nil, err
	}
	var schema any
	sn, ok := m["schema"]
	if ok {
		if err := d.decode(sn, "answer.json.schema", &schema); err != nil {
			return nil, err
		}
	}
	f, err := newJSONFormat(schema, d.opts.NoFiles)
	if errors.Is(err, errSchemaRef) {
		return nil, d.errf(sn, "answer.json.schema", "a $ref to another document is a path, looked up on the server that reads this task file, which is not allowed here: write the schema whole")
	}
	if err != nil {
		return nil, d.errf(sn, "answer.json.schema", "%v", err)
	}
	return f, nil
}

// decode decodes a node into v, refusing a key given twice in any of its
// mappings as [decoder.mapping] does, with the line of the second.
func (d *decoder) decode(n *yaml.Node, field string, v any) error {
	if err := d.noDuplicates(n, field); err != nil {
		return err
	}
	if err := n.Decode(v); err != nil {
		// The library's errors may span lines: keep the first.
		msg, _, _ := strings.Cut(strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n"), "\n")
		return d.errf(n, field, "%s", strings.TrimSpace(msg))
	}
	return nil
}

// noDuplicates refuses a mapping under n that gives a key twice.
func (d *decoder) noDuplicates(n *yaml.Node, field string) error {
	switch n.Kind {
	case yaml.MappingNode:
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			path := field + "." + k.Value
			if k.Kind == yaml.ScalarNode && k.Value != "<<" {
				if seen[k.Value] {
					return d.errf(k, path, "given twice")
				}
				seen[k.Value] = true
			}
			if err := d.noDuplicates(v, path); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if err := d.noDuplicates(c, fmt.Sprintf("%s[%d]", field, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// expected reads the per-step answers and checks them against the rest of
// the file: each must survive the answer format, and together they must
// take exactly the task's steps.
func (d *decoder) expected(n *yaml.Node, t *Task) error {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return d.errf(n, "expected", "want a list of {action, state}, one per step")
	}
	r, err := d.newExpectedReader(n, t, len(n.Content))
	if err != nil {
		return err
	}
	for _, item := range n.Content {
		if err := r.item(item); err != nil {
			return err
		}
	}
	return r.finish()
}

// expectedBatches is [decoder.expected] on a list cut out of the file
// (parse has checked that it was: see expectedList.cutFrom), parsed a
// batch of items at a time.
func (d *decoder) expectedBatches(list *expectedList, t *Task) error {
	// The list node, for errors about the whole list, is where its first
	// item is, as the YAML library places it.
	first := &yaml.Node{Line: list.firstLine + strings.Count(list.body[:list.starts[0]], "\n")}
	r, err := d.newExpectedReader(first, t, len(list.starts))
	if err != nil {
		return err
	}
	seen := 0
	err = list.batches(func(text string, line int) error {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
			e := d.yamlErr(err)
			e.Line += line - 1
			return &yamlError{e}
		}
		want := min(listBatch, len(list.starts)-seen)
		if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.SequenceNode || len(doc.Content[0].Content) != want {
			return &yamlError{d.errf(first, "expected", "a batch of items did not parse as %d list items", want)}
		}
		shiftLines(doc.Content[0], line-1)
		for _, item := range doc.Content[0].Content {
			if err := r.item(item); err != nil {
				return err
			}
		}
		seen += want
		return nil
	})
	if err != nil {
		return err
	}
	return r.finish()
}

// shiftLines moves a batch's nodes to their lines in the file.
func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

// expectedReader checks the expected items one at a time and keeps them.
type expectedReader struct {
	d     *decoder
	t     *Task
	list  *yaml.Node // for errors about the whole list
	total int
	i     int
	state string     // after the items so far
	last  *yaml.Node // the last item read
}

func (d *decoder) newExpectedReader(list *yaml.Node, t *Task, total int) (*expectedReader, error) {
	if rf, ok := t.format.(*regexFormat); ok && rf.tmpl == nil {
		return nil, d.errf(list, "expected", "answer.template is required with answer.regex, to write the expected answers as the model would")
	}
	t.expected.steps = make([]packedStep, 0, total)
	return &expectedReader{d: d, t: t, list: list, total: total, state: t.initial}, nil
}

func (r *expectedReader) item(item *yaml.Node) error {
	d, t, i := r.d, r.t, r.i
	field := fmt.Sprintf("expected[%d]", i)
	step, wrongNodes, err := d.step(item, field, true)
	if err != nil {
		return err
	}
	if err := d.roundTrip(t, item, field, step.Answer); err != nil {
		return err
	}
	for j, w := range step.Wrong {
		if err := d.roundTrip(t, wrongNodes[j], fmt.Sprintf("%s.wrong[%d]", field, j), w); err != nil {
			return err
		}
	}
	if t.doneRe != nil && i < r.total-1 && t.doneRe.MatchString(step.State) {
		return d.errf(item, field+".state", "matches done.state_matches before the last expected step")
	}
	if err := t.expected.add(step); err != nil {
		return d.errf(item, field, "%v", err)
	}
	if r.i == 1024 && r.total > 4096 {
		t.expected.reserve(r.total - r.i)
	}
	r.state = step.State
	r.last = item
	r.i++
	return nil
}

// finish checks the list as a whole.
func (r *expectedReader) finish() error {
	d, t := r.d, r.t
	n := t.expected.len()
	if t.steps > 0 && n != t.steps && t.doneRe == nil {
		return d.errf(r.list, "expected", "%d answers for done.steps %d: give one per step", n, t.steps)
	}
	if t.steps > 0 && n > t.steps {
		return d.errf(r.list, "expected", "%d answers for at most done.steps %d", n, t.steps)
	}
	if t.doneRe != nil && !t.doneRe.MatchString(r.state) {
		return d.errf(r.last, fmt.Sprintf("expected[%d].state", n-1), "%s does not match done.state_matches, so the task would not end there", quote(r.state))
	}
	return nil
}

// step reads one {action, state} entry, with its wrong answers (and their
// nodes, for locating errors) when withWrong is set.
func (d *decoder) step(n *yaml.Node, field string, withWrong bool) (Step, []*yaml.Node, error) {
	keys := []string{"action", "state"}
	if withWrong {
		keys = append(keys, "wrong")
	}
	m, err := d.mapping(n, field, keys...)
	if err != nil {
		return Step{}, nil, err
	}
	var s Step
	for _, f := range []struct {
		key string
		dst *string
	}{{"action", &s.Action}, {"state", &s.State}} {
		v, err := d.required(m, n, field, f.key)
		if err != nil {
			return Step{}, nil, err
		}
		if *f.dst, err = d.scalar(v, field+"."+f.key); err != nil {
			return Step{}, nil, err
		}
		*f.dst = strings.TrimSpace(*f.dst)
		if *f.dst == "" {
			return Step{}, nil, d.errf(v, field+"."+f.key, "must not be empty")
		}
	}
	s.Line = n.Line
	wn, ok := m["wrong"]
	if !ok {
		return s, nil, nil
	}
	if wn.Kind != yaml.SequenceNode {
		return Step{}, nil, d.errf(wn, field+".wrong", "want a list of {action, state}")
	}
	for j, w := range wn.Content {
		ws, _, err := d.step(w, fmt.Sprintf("%s.wrong[%d]", field, j), false)
		if err != nil {
			return Step{}, nil, err
		}
		s.Wrong = append(s.Wrong, ws.Answer)
	}
	return s, wn.Content, nil
}

// roundTrip writes an expected answer in the answer format and parses it
// back: if the file's own answers do not survive its format, no model's will.
func (d *decoder) roundTrip(t *Task, n *yaml.Node, field string, a Answer) error {
	if err := t.checkAnswer(a); err != nil {
		return d.errf(n, field, "%v", err)
	}
	return nil
}
