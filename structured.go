package maker

import "encoding/json"

// Structured is implemented by tasks whose answer is a JSON document with a
// schema. The engine puts the schema on every request ([Request.Schema]),
// so a provider that can constrain its output to a JSON Schema
// (OpenAI-compatible response_format, Anthropic tool input, Gemini
// responseSchema, llama.cpp's grammars) writes only answers of that form,
// and the format red flags that the provider could have prevented are not
// paid for. The task still parses every answer strictly: a provider that
// ignores the schema, or honours only part of it, is red-flagged as before.
// [Config.NoStructured] leaves the schema off.
type Structured interface {
	// AnswerSchema is the JSON Schema every answer must satisfy, or nil
	// when the answer is free text.
	AnswerSchema() json.RawMessage
}

// answerSchema is the schema the run's requests carry: the task's, unless
// structured outputs are off.
func answerSchema[S any](task Task[S], cfg Config) json.RawMessage {
	if cfg.NoStructured {
		return nil
	}
	if st, ok := task.(Structured); ok {
		return st.AnswerSchema()
	}
	return nil
}
