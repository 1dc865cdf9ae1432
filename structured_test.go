package maker_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/maker-go/maker"
)

// schemaTask is countTask with a JSON answer schema.
type schemaTask struct{ countTask }

func (schemaTask) AnswerSchema() json.RawMessage { return json.RawMessage(`{"type":"object"}`) }

// TestStructuredSchemaOnRequests: every request of a task with an answer
// schema carries it, unless structured outputs are off; a task without one
// sends none.
func TestStructuredSchemaOnRequests(t *testing.T) {
	tests := []struct {
		name string
		task maker.Task[int]
		off  bool
		want string
	}{
		{"schema", schemaTask{countTask{3}}, false, `{"type":"object"}`},
		{"off", schemaTask{countTask{3}}, true, ""},
		{"free text", countTask{3}, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			seen := map[string]int{}
			m := maker.ModelFunc(func(_ context.Context, req maker.Request) (maker.Response, error) {
				mu.Lock()
				seen[string(req.Schema)]++
				mu.Unlock()
				return maker.Response{Text: "answer=R", OutputTokens: 5}, nil
			})
			if _, err := maker.Run(context.Background(), tc.task, m, maker.Config{K: 2, NoStructured: tc.off}); err != nil {
				t.Fatal(err)
			}
			if len(seen) != 1 || seen[tc.want] == 0 {
				t.Errorf("requests carried schemas %v, want %q on every one", seen, tc.want)
			}
		})
	}
}
