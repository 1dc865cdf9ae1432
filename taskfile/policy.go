package taskfile

import (
	"encoding/json"

	"go.yaml.in/yaml/v3"

	"github.com/maker-go/maker"
)

var _ maker.Structured = (*Task)(nil)

// AnswerSchema implements [maker.Structured]: the JSON Schema of an
// `answer.json` task (the file's, or the default one requiring the string
// fields action and state), so that providers that can constrain their
// output to a schema do; nil for a task whose answers a regular expression
// reads.
func (t *Task) AnswerSchema() json.RawMessage {
	if f, ok := t.format.(*jsonFormat); ok {
		return f.raw
	}
	return nil
}

// schemaJSON is the schema as JSON: the file's (YAML read as JSON), or the
// default schema.
func schemaJSON(schema any) json.RawMessage {
	if schema == nil {
		return json.RawMessage(defaultSchema)
	}
	b, err := json.Marshal(schema)
	if err != nil {
		return nil // the compiler has refused it already
	}
	return b
}

// OnNoConsensus is the file's `on_no_consensus` policy, "" when it names
// none: "error", "escalate:MODEL" or "ask" (see [maker.ParseOnNoConsensus]). A
// command-line flag overrides it.
func (t *Task) OnNoConsensus() string { return t.onNoConsensus }

// onNoConsensus reads `on_no_consensus`.
func (d *decoder) onNoConsensus(n *yaml.Node, t *Task) error {
	v, err := d.scalar(n, "on_no_consensus")
	if err != nil {
		return err
	}
	if _, err := maker.ParseOnNoConsensus(v); err != nil {
		return d.errf(n, "on_no_consensus", "%v", err)
	}
	t.onNoConsensus = v
	return nil
}
