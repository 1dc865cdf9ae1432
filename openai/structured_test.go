package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

// answerSchema is a task's answer schema, within what strict mode takes.
const answerSchema = `{"type":"object","required":["action","state"],"properties":{"action":{"type":"string","enum":["inc","dec"]},"state":{"type":"string","pattern":"^[0-9]+$"}},"additionalProperties":false}`

// TestStructuredOutputsWire checks on the wire that the answer schema a
// request carries reaches the endpoint as response_format json_schema,
// strict where the schema allows it, and only for presets that take it.
func TestStructuredOutputsWire(t *testing.T) {
	open := `{"type":"object","required":["action"],"properties":{"action":{"type":"string"},"state":{"type":"string"}}}`
	tests := []struct {
		model  string
		schema string
		want   bool // response_format sent
		strict bool
	}{
		{"openai/gpt-4.1-mini", answerSchema, true, true},
		{"openai/gpt-4.1-mini", open, true, false},
		{"openai/gpt-4.1-mini", "", false, false},
		{"llamacpp/model", answerSchema, true, true},
		{"vllm/Qwen/Qwen3-8B", answerSchema, true, true},
		{"ollama/llama3.2", answerSchema, true, true},
		{"openrouter/openai/gpt-4.1-mini", answerSchema, true, true},
		{"deepseek/deepseek-chat", answerSchema, false, false}, // json_object only
		{"groq/llama-3.3-70b-versatile", answerSchema, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.model+" "+map[bool]string{true: "schema", false: "none"}[tc.schema != ""], func(t *testing.T) {
			var mu sync.Mutex
			var body []byte
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				body = b
				mu.Unlock()
				completion(w, "x", 10, 0, 5, [2]string{`{"action":"inc","state":"1"}`, "stop"})
			}))
			defer srv.Close()
			for _, env := range []string{"OPENAI_API_KEY", "OPENROUTER_API_KEY", "DEEPSEEK_API_KEY", "GROQ_API_KEY"} {
				t.Setenv(env, testKey)
			}
			m, err := maker.OpenModel(context.Background(), maker.ModelSpec{Name: tc.model, BaseURL: srv.URL + "/v1", Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			r := req
			if tc.schema != "" {
				r.Schema = json.RawMessage(tc.schema)
			}
			if _, err := m.Generate(context.Background(), r); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			var got struct {
				ResponseFormat *struct {
					Type       string `json:"type"`
					JSONSchema struct {
						Name   string          `json:"name"`
						Strict *bool           `json:"strict"`
						Schema json.RawMessage `json:"schema"`
					} `json:"json_schema"`
				} `json:"response_format"`
			}
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("request %s: %v", body, err)
			}
			rf := got.ResponseFormat
			if (rf != nil) != tc.want {
				t.Fatalf("response_format sent: %v, want %v (request %s)", rf != nil, tc.want, body)
			}
			if rf == nil {
				return
			}
			var compact bytes.Buffer
			_ = json.Compact(&compact, rf.JSONSchema.Schema)
			if rf.Type != "json_schema" || rf.JSONSchema.Name != "answer" || compact.String() != tc.schema {
				t.Errorf("response_format %+v, schema %s; want json_schema named answer with the task's schema", rf, compact.String())
			}
			if rf.JSONSchema.Strict == nil || *rf.JSONSchema.Strict != tc.strict {
				t.Errorf("strict %v, want %v", rf.JSONSchema.Strict, tc.strict)
			}
		})
	}
}

// TestPresetsStructured: every preset's description says whether it takes
// the schema, as `maker models --json` shows it.
func TestPresetsStructured(t *testing.T) {
	for _, p := range Presets() {
		if p.description().Structured != p.Structured {
			t.Errorf("%s: description says structured %v, preset %v", p.Prefix, p.description().Structured, p.Structured)
		}
	}
	if p, _ := PresetFor("openai"); !p.Structured {
		t.Error("openai: structured outputs off")
	}
}
