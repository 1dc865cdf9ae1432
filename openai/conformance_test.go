package openai

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/maker-go/maker/internal/providertest"
)

func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Adapter{
		Model:   "openai/gpt-4.1-mini",
		Key:     testKey,
		KeyEnv:  "OPENAI_API_KEY",
		BaseURL: func(s string) string { return s + "/v1" },
		Answer: func(w http.ResponseWriter, text string, in, cached, out int64) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4.1-mini",
"choices":[{"index":0,"message":{"role":"assistant","content":%q},"logprobs":null,"finish_reason":"stop"}],
"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,"prompt_tokens_details":{"cached_tokens":%d}}}`,
				text, in, out, in+out, cached)
		},
		Fail: func(w http.ResponseWriter, status int, message string) { apiError(w, status, "error", message) },
	})
}
