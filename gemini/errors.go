package gemini

import (
	"strings"
	"time"
)

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
