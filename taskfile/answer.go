package taskfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"text/template"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/fieldtmpl"
)

// format reads answers and writes expected ones the way a model would. An
// answer that does not fit wraps [maker.ErrMalformed]: the sample is
// red-flagged.
type format interface {
	parse(text string) (Answer, error)
	render(a Answer) (string, error)
}

// regexFormat reads the named groups action and state; the last match in
// the text wins, as a model may restate the format before answering.
type regexFormat struct {
	re   *regexp.Regexp
	tmpl *template.Template
}

func (f *regexFormat) parse(text string) (Answer, error) {
	all := f.re.FindAllStringSubmatch(text, -1)
	if len(all) == 0 {
		return Answer{}, fmt.Errorf("taskfile: %w: no match for answer.regex", maker.ErrMalformed)
	}
	m := all[len(all)-1]
	return Answer{Action: m[f.re.SubexpIndex("action")], State: m[f.re.SubexpIndex("state")]}, nil
}

func (f *regexFormat) render(a Answer) (string, error) {
	if f.tmpl == nil {
		return "", errors.New("no answer.template")
	}
	return fieldtmpl.Render(f.tmpl, a, maxRendered)
}

// defaultSchema is what a JSON answer must be when the file gives no schema.
const defaultSchema = `{
  "type": "object",
  "required": ["action", "state"],
  "properties": {"action": {"type": "string"}, "state": {"type": "string"}},
  "additionalProperties": false
}`

// jsonFormat reads the whole answer as one JSON object, checks it against
// the schema, and takes the string fields action and state.
type jsonFormat struct {
	schema *jsonschema.Schema
	raw    json.RawMessage // the schema as JSON, for the requests (policy.go)
}

// errSchemaRef is a schema's $ref to a document outside it, refused when
// the task file may name no file.
var errSchemaRef = errors.New("a $ref to another document")

// refuseRefs is the schema loader of a task file that may name no file: a
// $ref outside the schema is refused before anything is opened. It notes
// the refusal, which the validator's errors do not wrap.
type refuseRefs struct{ refused bool }

func (r *refuseRefs) Load(string) (any, error) {
	r.refused = true
	return nil, errSchemaRef
}

// newJSONFormat compiles the answer schema. A $ref to another document is
// loaded as the validator does by default (a file, relative to the working
// directory), or refused with noFiles.
func newJSONFormat(schema any, noFiles bool) (*jsonFormat, error) {
	var doc any
	var err error
	if schema == nil {
		doc, err = jsonschema.UnmarshalJSON(strings.NewReader(defaultSchema))
	} else {
		// Through JSON, so YAML's ints and maps become the JSON values the
		// validator expects.
		var b []byte
		if b, err = json.Marshal(schema); err != nil {
			return nil, err
		}
		doc, err = jsonschema.UnmarshalJSON(bytes.NewReader(b))
	}
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	refs := &refuseRefs{}
	if noFiles {
		c.UseLoader(refs)
	}
	if err := c.AddResource("answer.schema.json", doc); err != nil {
		return nil, err
	}
	sch, err := c.Compile("answer.schema.json")
	if refs.refused {
		return nil, errSchemaRef
	}
	if err != nil {
		return nil, err
	}
	return &jsonFormat{schema: sch, raw: schemaJSON(schema)}, nil
}

func (f *jsonFormat) parse(text string) (Answer, error) {
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(strings.TrimSpace(text)))
	if err != nil {
		return Answer{}, fmt.Errorf("taskfile: %w: not one JSON object: %v", maker.ErrMalformed, err)
	}
	if err := f.schema.Validate(v); err != nil {
		return Answer{}, fmt.Errorf("taskfile: %w: %v", maker.ErrMalformed, err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return Answer{}, fmt.Errorf("taskfile: %w: not a JSON object", maker.ErrMalformed)
	}
	action, ok1 := obj["action"].(string)
	state, ok2 := obj["state"].(string)
	if !ok1 {
		return Answer{}, fmt.Errorf("taskfile: %w: action must be a string", maker.ErrMalformed)
	}
	if !ok2 {
		// A state that is a JSON object or array is kept as written, so
		// that its spelling is the model's (key.json keys it by meaning).
		switch obj["state"].(type) {
		case map[string]any, []any:
			raw, err := rawField(text, "state")
			if err != nil {
				return Answer{}, fmt.Errorf("taskfile: %w: %v", maker.ErrMalformed, err)
			}
			state = raw
		default:
			return Answer{}, fmt.Errorf("taskfile: %w: state must be a string, an object or an array", maker.ErrMalformed)
		}
	}
	return Answer{Action: action, State: state}, nil
}

// rawField is the text of one field of the JSON object in text, as written.
func rawField(text, name string) (string, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(strings.TrimSpace(text)), &fields); err != nil {
		return "", err
	}
	return strings.TrimSpace(string(fields[name])), nil
}

// render writes the state as a JSON string, or, when the schema takes
// only a JSON value there and the state is a JSON object or array, as that
// value.
func (f *jsonFormat) render(a Answer) (string, error) {
	b, err := json.Marshal(struct {
		Action string `json:"action"`
		State  string `json:"state"`
	}{a.Action, a.State})
	if err != nil {
		return "", err
	}
	st := strings.TrimSpace(a.State)
	if st == "" || st[0] != '{' && st[0] != '[' || !json.Valid([]byte(st)) {
		return string(b), nil
	}
	if v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b)); err == nil && f.schema.Validate(v) == nil {
		return string(b), nil
	}
	raw, err := json.Marshal(struct {
		Action string          `json:"action"`
		State  json.RawMessage `json:"state"`
	}{a.Action, json.RawMessage(st)})
	if err != nil {
		return "", err
	}
	return string(raw), nil
}
