package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Info names what a request went to, so that an error can say which
// setting to fix. It never holds the key itself, only the name of the
// variable it came from.
type Info struct {
	Provider string // the prefix, such as "openai" or "groq"
	Model    string // the model name without the prefix
	KeyEnv   string // the environment variable the key was read from, if any
	BaseURL  string // the endpoint
}

// Error is a failed request, classified by HTTP status. Providers build one
// with [HTTPError] from whatever their SDK returns, so that [Retry] can
// decide what to retry without knowing the provider. Its text never
// contains the API key: it holds the server's message and a hint naming
// the setting to fix.
type Error struct {
	Info
	// Status is the HTTP status, 0 when no response came back (a timeout,
	// a reset connection, a truncated body).
	Status int
	// RetryAfter is how long the server asked the client to wait, from the
	// retry-after-ms or Retry-After header (0: not given).
	RetryAfter time.Duration
	// Message is the server's own explanation, if it gave one.
	Message string
	// Fix names the setting to change when retrying cannot help.
	Fix string
	// Err is the transport error when Status is 0.
	Err error
}

// HTTPError classifies a response with a non-success status. header may be
// nil; message is the server's error text (trimmed to a sensible length).
func HTTPError(info Info, status int, header http.Header, message string) *Error {
	e := &Error{Info: info, Status: status, Message: clip(strings.TrimSpace(message), 300)}
	if header != nil {
		e.RetryAfter = RetryAfter(header, time.Now())
	}
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		if info.KeyEnv != "" {
			e.Fix = fmt.Sprintf("check the API key in $%s, or name another variable with --api-key-env", info.KeyEnv)
		} else {
			e.Fix = "the server wants an API key: name the variable that holds it with --api-key-env"
		}
	case http.StatusNotFound:
		e.Fix = fmt.Sprintf("model %q or endpoint %s not found: check --model and --base-url", info.Model, info.BaseURL)
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		e.Fix = fmt.Sprintf("the server rejected the request for model %q: check --model, --max-tokens and the temperatures", info.Model)
	case http.StatusPaymentRequired:
		e.Fix = "the account behind the API key has no credit left"
	}
	return e
}

// TransportError wraps an error that happened before a complete response
// came back: a timeout, a reset or refused connection, a truncated body.
func TransportError(info Info, err error) *Error {
	return &Error{Info: info, Err: err}
}

// Error describes the failure with the server's message and what to fix;
// any registered API key in it is redacted (see [Redact]).
func (e *Error) Error() string { return Redact(e.text()) }

func (e *Error) text() string {
	var b strings.Builder
	b.WriteString(e.Provider)
	if e.Model != "" {
		b.WriteString("/" + e.Model)
	}
	b.WriteString(": ")
	if e.Status == 0 {
		if e.Err != nil {
			b.WriteString(e.Err.Error())
		} else {
			b.WriteString("request failed")
		}
		if isRefused(e.Err) && e.BaseURL != "" {
			fmt.Fprintf(&b, " (is the server at %s running?)", e.BaseURL)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "HTTP %d %s", e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Fix != "" {
		b.WriteString(" (" + e.Fix + ")")
	}
	return b.String()
}

// Unwrap returns the transport error.
func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether the same request may succeed later: rate
// limits (429), server errors (5xx), request timeouts (408), conflicts and
// too-early (409, 425), and every transport failure. Bad requests, bad keys
// and unknown models (400, 401, 403, 404, 422) are not: retrying cannot fix
// them.
func (e *Error) Temporary() bool {
	switch {
	case e.Status == 0:
		return true
	case e.Status == http.StatusTooManyRequests, e.Status == http.StatusRequestTimeout,
		e.Status == http.StatusConflict, e.Status == http.StatusTooEarly:
		return true
	case e.Status >= 500:
		return true
	}
	return false
}

// Retryable reports whether err is worth retrying and how long the server
// asked to wait. An [*Error] answers for itself; otherwise transport
// failures (timeouts, resets, refused connections, truncated bodies and the
// JSON errors they cause) are retryable and everything else, cancellation
// included, is not.
func Retryable(err error) (bool, time.Duration) {
	if err == nil || errors.Is(err, context.Canceled) {
		return false, 0
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Temporary(), pe.RetryAfter
	}
	// Provider packages with error types of their own say for themselves.
	var r interface{ Retry() (bool, time.Duration) }
	if errors.As(err, &r) {
		return r.Retry()
	}
	return transient(err), 0
}

// transient recognises the transport failures a retry can outlast.
func transient(err error) bool {
	var ne net.Error
	var se *json.SyntaxError
	switch {
	case errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, net.ErrClosed), errors.Is(err, http.ErrHandlerTimeout):
		return true
	case errors.As(err, &ne):
		return true
	case errors.As(err, &se):
		return true // a body cut off mid-way parses as bad JSON
	}
	msg := err.Error()
	for _, s := range []string{"unexpected end of JSON input", "connection reset", "broken pipe", "server closed", "EOF"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func isRefused(err error) bool { return err != nil && errors.Is(err, syscall.ECONNREFUSED) }

// RetryAfter reads how long a response asks the client to wait: the
// retry-after-ms header (milliseconds, as OpenAI sends it), then
// Retry-After as seconds or as an HTTP date. It returns 0 when neither is
// usable.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && ms > 0 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
