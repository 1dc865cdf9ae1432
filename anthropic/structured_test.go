package anthropic_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/maker-go/maker"
)

const answerSchema = `{"type":"object","required":["action","state"],"properties":{"action":{"type":"string","enum":["inc","dec"]},"state":{"type":"string"}},"additionalProperties":false}`

// toolUse writes a Messages API response whose answer is a call of the
// answer tool, after a text block the answer must not include.
func toolUse(input string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{
  "id": "msg_01", "type": "message", "role": "assistant", "model": "claude-haiku-4-5-20251001",
  "content": [
    {"type": "text", "text": "Here is my answer."},
    {"type": "tool_use", "id": "toolu_01", "name": "answer", "input": %s}
  ],
  "stop_reason": "tool_use", "stop_sequence": null,
  "usage": {"input_tokens": 30, "cache_read_input_tokens": 0, "cache_creation_input_tokens": 0, "output_tokens": 12}
}`, input)
	}
}

// TestStructuredToolUse checks on the wire that a request with an answer
// schema offers one tool whose input_schema is the schema and forces it
// (tool_choice), and that the answer is the tool's input; a request
// without a schema offers no tool.
func TestStructuredToolUse(t *testing.T) {
	const input = `{"action":"inc","state":"1"}`
	f := newFake(t, toolUse(input))
	m := open(t, f.URL, "claude-haiku-4-5", nil)
	resp, err := m.Generate(context.Background(), maker.Request{Prompt: prompt, MaxTokens: 100, Schema: json.RawMessage(answerSchema)})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != input || resp.Finish != maker.FinishStop || resp.OutputTokens != 12 {
		t.Errorf("response %+v, want the tool input %s as the text", resp, input)
	}
	b := f.Requests()[0].Body
	tools, _ := b["tools"].([]any)
	if len(tools) != 1 {
		t.Fatalf("tools %v, want the answer tool alone", b["tools"])
	}
	tool := tools[0].(map[string]any)
	var want any
	_ = json.Unmarshal([]byte(answerSchema), &want)
	if tool["name"] != "answer" || !reflect.DeepEqual(tool["input_schema"], want) {
		t.Errorf("tool %v; want name answer with input_schema %v", tool, want)
	}
	if tc, _ := b["tool_choice"].(map[string]any); tc["type"] != "tool" || tc["name"] != "answer" {
		t.Errorf("tool_choice %v, want the answer tool forced", b["tool_choice"])
	}

	f2 := newFake(t, message("move 1 from 0 to 2", "end_turn", 10, 0, 0, 5))
	m2 := open(t, f2.URL, "claude-haiku-4-5", nil)
	if _, err := m2.Generate(context.Background(), maker.Request{Prompt: prompt, MaxTokens: 100}); err != nil {
		t.Fatal(err)
	}
	if b := f2.Requests()[0].Body; b["tools"] != nil || b["tool_choice"] != nil {
		t.Errorf("a request without a schema offers tools %v, tool_choice %v", b["tools"], b["tool_choice"])
	}
}

// TestStructuredSchemaNotObject: a schema whose root is not an object
// cannot be a tool's input, and is refused before anything is sent.
func TestStructuredSchemaNotObject(t *testing.T) {
	f := newFake(t, toolUse(`{}`))
	m := open(t, f.URL, "claude-haiku-4-5", nil)
	_, err := m.Generate(context.Background(), maker.Request{Prompt: prompt, MaxTokens: 100, Schema: json.RawMessage(`{"type":"string"}`)})
	if err == nil || len(f.Requests()) != 0 {
		t.Fatalf("err %v after %d requests; want a refusal before sending", err, len(f.Requests()))
	}
	t.Log(err)
}
