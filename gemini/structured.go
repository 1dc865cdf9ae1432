package gemini

import (
	"encoding/json"
	"strings"

	"google.golang.org/genai"
)

// withResponseSchema asks for a JSON answer of the task's answer schema:
// responseMimeType application/json with the schema as responseSchema.
// Gemini's responseSchema is a subset of OpenAPI's schema object, so the
// keywords it does not know (additionalProperties, $schema, ...) are left
// out and the types written as it spells them (OBJECT, STRING); the answer
// is still parsed against the whole schema. A schema that does not fit
// that subset at all (a list of types, say) goes as responseJsonSchema,
// Gemini's field for a JSON Schema as it is.
func withResponseSchema(cfg *genai.GenerateContentConfig, schema json.RawMessage) {
	cfg.ResponseMIMEType = "application/json"
	var s genai.Schema
	if err := json.Unmarshal(schema, &s); err != nil {
		cfg.ResponseJsonSchema = schema
		return
	}
	upperTypes(&s)
	cfg.ResponseSchema = &s
}

// upperTypes writes every type of the schema in capitals, as the Gemini API
// names them.
func upperTypes(s *genai.Schema) {
	if s == nil {
		return
	}
	s.Type = genai.Type(strings.ToUpper(string(s.Type)))
	upperTypes(s.Items)
	for _, p := range s.Properties {
		upperTypes(p)
	}
	for _, a := range s.AnyOf {
		upperTypes(a)
	}
}
