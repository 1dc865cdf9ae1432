package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// CallError is a failed call of a provider adapter that reads its SDK's
// errors itself (anthropic, gemini): it says in words what went wrong, and
// carries the retry decision already made, because such a provider may
// overrule the status (Anthropic's x-should-retry header) or say how long to
// wait in its own way (Gemini's RetryInfo detail). [Retryable] asks it
// through its Retry method. The anthropic and gemini packages name it Error.
type CallError struct {
	// Model is the full model name, such as "anthropic/claude-haiku-4-5".
	Model string
	// StatusCode is the HTTP status, or 0 when no complete response arrived
	// (connection failure, timeout, body cut off).
	StatusCode int
	// RetryAfter is the wait the server asked for, 0 when it asked for none.
	RetryAfter time.Duration
	// Retryable reports whether the same request may succeed later: rate
	// limits, overload, server errors, timeouts and broken connections are;
	// bad requests and authentication failures are not.
	Retryable bool
	// Message says what went wrong in words, API keys scrubbed.
	Message string
	// Err is the underlying error, if any.
	Err error
	// Auth reports that the server refused the key (or its permission for
	// the model): never worth retrying, nor working around by sending the
	// request in another shape.
	Auth bool
}

// Error returns "provider/model: message (HTTP status) (retry after d)".
func (e *CallError) Error() string {
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
func (e *CallError) Unwrap() error { return e.Err }

// Temporary reports whether retrying may help.
func (e *CallError) Temporary() bool { return e.Retryable }

// Retry reports whether retrying may help and how long the server asked to
// wait first. A retry wrapper can ask any provider's error through the
// interface { Retry() (bool, time.Duration) } and errors.As, without
// importing the provider's package.
func (e *CallError) Retry() (bool, time.Duration) { return e.Retryable, e.RetryAfter }

// RetryableStatus reports whether a response with this status may succeed
// if sent again: 408 timeout, 409 conflict (lock contention, a concurrent
// update), 429 rate limit and every 5xx, Anthropic's 529 "overloaded"
// included.
func RetryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusConflict ||
		code == http.StatusTooManyRequests || code >= 500
}

// Scrub removes key from s, in case a server or library echoes it.
func Scrub(s, key string) string {
	if key == "" {
		return s
	}
	return strings.ReplaceAll(s, key, "[redacted]")
}

// ScrubErr returns err, or a plain error with the key removed if err's text
// holds the key (a server that echoes what it was sent).
func ScrubErr(err error, key string) error {
	if key == "" || !strings.Contains(err.Error(), key) {
		return err
	}
	return errors.New(Scrub(err.Error(), key))
}

// LastResponse keeps whether a request went out and the status and headers
// of the last HTTP response, which SDK errors do not carry when the body is
// not JSON or is cut off. Transports and middleware fill it in; it is safe
// for concurrent use.
type LastResponse struct {
	mu     sync.Mutex
	sent   bool
	status int
	header http.Header
}

// Sending records that a request is going out.
func (l *LastResponse) Sending() {
	l.mu.Lock()
	l.sent = true
	l.mu.Unlock()
}

// Received records a response's status and headers; res may be nil.
func (l *LastResponse) Received(res *http.Response) {
	if res == nil {
		return
	}
	l.mu.Lock()
	l.status, l.header = res.StatusCode, res.Header.Clone()
	l.mu.Unlock()
}

// Get returns whether a request went out, and the last response's status
// (0: none) and headers (nil: none).
func (l *LastResponse) Get() (sent bool, status int, header http.Header) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sent, l.status, l.header
}

// Caller names a provider's calls for [Caller.Classify], so that its errors can
// say which setting to fix; Key is only there to be scrubbed from them.
type Caller struct {
	Name    string        // the full model name, such as "gemini/gemini-2.5-flash"
	Model   string        // the model name as the API knows it
	Key     string        // the API key, scrubbed from every message
	KeyEnv  string        // the variable the key came from
	Timeout time.Duration // the per-request timeout
}

// Classify turns a failed call into a *[CallError], or returns the caller's
// own cancellation unchanged: a sample the engine cancelled is not a
// failure. sent, status and header are what the transport saw (see
// [LastResponse]), status and header already replaced by the provider with
// those its SDK's error carries. final is the error to return when nothing
// more can be said. A call with an error status (400 and up) is pending
// instead: StatusCode, Retryable and RetryAfter are set, and the provider
// adds what its error body says, then words the message with [Caller.Explain].
func (c Caller) Classify(ctx, reqCtx context.Context, err error, sent bool, status int, header http.Header) (pending *CallError, final error) {
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	e := &CallError{Model: c.Name, Err: ScrubErr(err, c.Key)}
	if reqCtx.Err() != nil {
		e.Retryable = true
		e.Message = fmt.Sprintf("no answer within the %s timeout", c.Timeout)
		return nil, e
	}
	if !sent {
		// The SDK refused the request before sending it (such as a
		// max_tokens too large for a non-streaming call): the same
		// request would fail the same way.
		e.Message = "request not sent: " + Scrub(err.Error(), c.Key)
		return nil, e
	}
	if status < 400 {
		// A response that started well but could not be read (cut off,
		// not JSON), or no response at all: worth another try.
		e.Retryable = true
		if status != 0 {
			e.Message = "response body unreadable: " + Scrub(err.Error(), c.Key)
		} else {
			e.Message = "request failed: " + Scrub(err.Error(), c.Key)
		}
		return nil, e
	}
	e.StatusCode = status
	e.Retryable = RetryableStatus(status)
	if header != nil {
		e.RetryAfter = RetryAfter(header, time.Now())
	}
	return e, nil
}

// Explain words the message of an error status classified by
// [Caller.Classify]: what the status means, then the server's own detail,
// the key scrubbed. keyRejected is the provider's own sign that the key
// was refused, whatever the status (Gemini answers a bad key with 400).
func (c Caller) Explain(e *CallError, keyRejected bool, detail string) *CallError {
	switch {
	case e.StatusCode == http.StatusUnauthorized || keyRejected:
		e.Auth = true
		e.Message = fmt.Sprintf("authentication failed: the API key in %s was rejected", c.KeyEnv)
	case e.StatusCode == http.StatusForbidden:
		e.Auth = true
		e.Message = fmt.Sprintf("permission denied: the key in %s may not use %s", c.KeyEnv, c.Model)
	case e.StatusCode == http.StatusNotFound:
		e.Message = fmt.Sprintf("not found: check the model name %q and the base URL", c.Model)
	case e.StatusCode == http.StatusTooManyRequests:
		e.Message = "rate limited"
	case e.StatusCode >= 500:
		e.Message = "server error"
	default:
		e.Message = "request rejected"
	}
	if detail != "" {
		e.Message += ": " + detail
	}
	e.Message = Scrub(e.Message, c.Key)
	return e
}
