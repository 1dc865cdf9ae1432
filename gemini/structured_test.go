package gemini_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/providertest"
)

// TestStructuredResponseSchema checks on the wire that a request with an
// answer schema asks for JSON (responseMimeType) of that schema
// (responseSchema, in Gemini's subset: its types in capitals, the keywords
// it does not know left out), and that a request without one asks for
// neither.
func TestStructuredResponseSchema(t *testing.T) {
	const schema = `{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","required":["action","state"],"properties":{"action":{"type":"string","enum":["inc","dec"]},"state":{"type":"string","pattern":"^[0-9]+$"}},"additionalProperties":false}`
	want := map[string]any{
		"type":     "OBJECT",
		"required": []any{"action", "state"},
		"properties": map[string]any{
			"action": map[string]any{"type": "STRING", "enum": []any{"inc", "dec"}},
			"state":  map[string]any{"type": "STRING", "pattern": "^[0-9]+$"},
		},
	}
	tests := []struct {
		name   string
		schema string
		mime   any
		want   any
		json   any // responseJsonSchema
	}{
		{"schema", schema, "application/json", want, nil},
		{"none", "", nil, nil, nil},
		{"a list of types", `{"type":["object","null"]}`, "application/json", nil, map[string]any{"type": []any{"object", "null"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := providertest.NewFake(t, reply([]candidate{{0, `{"action":"inc","state":"1"}`, "STOP"}}, 10, 0, 5, 0))
			m := open(t, f.URL, "gemini-2.5-flash", nil)
			r := maker.Request{Prompt: prompt, MaxTokens: 100}
			if tc.schema != "" {
				r.Schema = json.RawMessage(tc.schema)
			}
			resp, err := m.Generate(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Text != `{"action":"inc","state":"1"}` {
				t.Errorf("text %q", resp.Text)
			}
			gc := genConfig(t, f.Requests()[0])
			if gc["responseMimeType"] != tc.mime {
				t.Errorf("responseMimeType %v, want %v", gc["responseMimeType"], tc.mime)
			}
			if !reflect.DeepEqual(gc["responseSchema"], tc.want) {
				t.Errorf("responseSchema %v,\nwant %v", gc["responseSchema"], tc.want)
			}
			if !reflect.DeepEqual(gc["responseJsonSchema"], tc.json) {
				t.Errorf("responseJsonSchema %v, want %v", gc["responseJsonSchema"], tc.json)
			}
		})
	}
}
