package gemini

import (
	"strings"
	"time"

	"github.com/maker-go/maker/provider"
)

// Error is a failed request, classified so that a retry wrapper over
// [maker.Model] can decide what to do without knowing the provider: whether
// to try again, and how long the server asked it to wait (the Retry-After
// header, or the retryDelay of a google.rpc.RetryInfo error detail, which is
// how the Gemini API says it). It is the shared [provider.CallError], so
// that one classification serves every adapter that reads its SDK's errors
// itself; its Auth field marks a refused key.
type Error = provider.CallError

// retryDelay reads the retryDelay ("37s", "1.5s") of a google.rpc.RetryInfo
// detail of a Google API error.
func retryDelay(details []map[string]any) time.Duration {
	for _, d := range details {
		if t, _ := d["@type"].(string); !strings.HasSuffix(t, "google.rpc.RetryInfo") {
			continue
		}
		s, _ := d["retryDelay"].(string)
		if dur, err := time.ParseDuration(s); err == nil && dur > 0 {
			return dur
		}
	}
	return 0
}

// errorReason returns the reason of a google.rpc.ErrorInfo detail, such as
// API_KEY_INVALID.
func errorReason(details []map[string]any) string {
	for _, d := range details {
		if t, _ := d["@type"].(string); strings.HasSuffix(t, "google.rpc.ErrorInfo") {
			r, _ := d["reason"].(string)
			return r
		}
	}
	return ""
}
