package anthropic_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/maker-go/maker/internal/providertest"
)

func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Adapter{
		Model:  "anthropic/claude-haiku-4-5",
		Key:    fakeKey,
		KeyEnv: "ANTHROPIC_API_KEY",
		Answer: func(w http.ResponseWriter, text string, in, cached, out int64) {
			// Anthropic counts cache reads apart from input_tokens.
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5",
"content":[{"type":"text","text":%q}],"stop_reason":"end_turn","stop_sequence":null,
"usage":{"input_tokens":%d,"cache_read_input_tokens":%d,"cache_creation_input_tokens":0,"output_tokens":%d}}`,
				text, in-cached, cached, out)
		},
		Fail: func(w http.ResponseWriter, status int, message string) {
			apiError(status, "error", message, nil)(w, nil)
		},
	})
}
