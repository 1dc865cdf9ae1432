package gemini

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error is a failed request, classified so that a retry wrapper over
// [maker.Model] can decide what to do without knowing the provider: whether
// to try again, and how long the server asked it to wait.
type Error struct {
	// Model is the full model name, such as "gemini/gemini-2.5-flash".
	Model string
	// StatusCode is the HTTP status, or 0 when no complete response arrived
	// (connection failure, timeout, body cut off).
	StatusCode int
	// RetryAfter is the wait the server asked for (the Retry-After header,
	// or the retryDelay of a google.rpc.RetryInfo error detail, which is
	// how the Gemini API says it), 0 when it asked for none.
	RetryAfter time.Duration
	// Retryable reports whether the same request may succeed later: rate
	// limits, overload, server errors, timeouts and broken connections are;
	// bad requests and authentication failures are not.
	Retryable bool
	// Message says what went wrong in words, API keys scrubbed.
	Message string
	// Err is the underlying error, if any.
	Err error

	auth bool // the key was refused: never worth retrying or batching around
}

// Error returns "anthropic/model: message (HTTP status)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Model)
	b.WriteString(": ")
	b.WriteString(e.Message)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.StatusCode)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether retrying may help.
func (e *Error) Temporary() bool { return e.Retryable }

// Retry reports whether retrying may help and how long the server asked to
// wait first. A retry wrapper shared by all providers can ask any of them
// through the interface { Retry() (bool, time.Duration) } and errors.As,
// without importing this package.
func (e *Error) Retry() (bool, time.Duration) { return e.Retryable, e.RetryAfter }

// retryableStatus reports whether a response with this status may succeed if
// sent again: 408 timeout, 409 conflict (a concurrent update), 429
// rate limit and every 5xx.
func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusConflict ||
		code == http.StatusTooManyRequests || code >= 500
}

// retryAfter reads the wait a response asks for: retry-after-ms first (more
// precise), then Retry-After in seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// scrub removes the key from s, in case a server or library echoes it.
func scrub(s, key string) string {
	if key == "" {
		return s
	}
	return strings.ReplaceAll(s, key, "[redacted]")
}

// scrubErr returns err, or a plain error with the key removed if err's text
// holds the key (a server that echoes what it was sent).
func scrubErr(err error, key string) error {
	if key == "" || !strings.Contains(err.Error(), key) {
		return err
	}
	return errors.New(scrub(err.Error(), key))
}

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
