package gemini_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/maker-go/maker/internal/providertest"
)

func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Adapter{
		Model:  "gemini/gemini-2.5-flash",
		Key:    fakeKey,
		KeyEnv: "GEMINI_API_KEY",
		Answer: func(w http.ResponseWriter, text string, in, cached, out int64) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"candidates":[{"content":{"parts":[{"text":%q}],"role":"model"},"finishReason":"STOP","index":0}],
"usageMetadata":{"promptTokenCount":%d,"cachedContentTokenCount":%d,"candidatesTokenCount":%d,"totalTokenCount":%d},"modelVersion":"gemini-2.5-flash"}`,
				text, in, cached, out, in+out)
		},
		Fail: func(w http.ResponseWriter, status int, message string) {
			apiError(status, http.StatusText(status), message, "", nil)(w, nil, nil)
		},
	})
}
