package openai

import (
	"encoding/json"

	oa "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/shared"
)

// responseFormat asks for answers that satisfy the task's answer schema
// (response_format json_schema). It is strict, which OpenAI needs to
// constrain decoding rather than take the schema as a hint, when the schema
// is within what strict mode accepts: every object closed
// (additionalProperties false) with every property required. A schema
// outside that is sent as it is without strict, so that OpenAI does not
// refuse the request; servers that compile the schema into a grammar
// (llama.cpp, vLLM, Ollama) constrain the answers either way.
func responseFormat(schema json.RawMessage) oa.ChatCompletionNewParamsResponseFormatUnion {
	return oa.ChatCompletionNewParamsResponseFormatUnion{OfJSONSchema: &shared.ResponseFormatJSONSchemaParam{
		JSONSchema: shared.ResponseFormatJSONSchemaJSONSchemaParam{
			Name:   "answer",
			Schema: schema,
			Strict: oa.Bool(strictable(schema)),
		},
	}}
}

// strictable reports whether every object the schema describes is closed
// and requires all its properties.
func strictable(schema json.RawMessage) bool {
	var v any
	if json.Unmarshal(schema, &v) != nil {
		return false
	}
	return closed(v)
}

func closed(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		props, hasProps := v["properties"].(map[string]any)
		if hasProps || v["type"] == "object" {
			if v["additionalProperties"] != false {
				return false
			}
			req, _ := v["required"].([]any)
			need := map[string]bool{}
			for _, r := range req {
				if s, ok := r.(string); ok {
					need[s] = true
				}
			}
			for name := range props {
				if !need[name] {
					return false
				}
			}
		}
		for _, c := range v {
			if !closed(c) {
				return false
			}
		}
	case []any:
		for _, c := range v {
			if !closed(c) {
				return false
			}
		}
	}
	return true
}
