package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Info names what a request went to, so that an error can say which
// setting to fix. It never holds the key itself, only the name of the
// variable it came from, and BaseURL is kept with its credentials removed
// (see [maker.RedactURL]).
type Info struct {
	Provider string // the prefix, such as "openai" or "groq"
	Model    string // the model name without the prefix
	KeyEnv   string // the environment variable the key was read from, if any
	BaseURL  string // the endpoint, credentials removed
}

// Name is the full model name, such as "openai/gpt-4.1-mini".
func (i Info) Name() string {
	if i.Model == "" {
		return i.Provider
	}
	return i.Provider + "/" + i.Model
}

// Error is a failed request of any provider. Adapters build one with
// [HTTPError], [TransportError] or [Classify], so that [Retry] can decide
// what to retry without knowing the provider. Its text never contains an
// API key or the credentials of a URL: it says what went wrong and names
// the setting to fix.
type Error struct {
	Info
	// Status is the HTTP status, 0 when no complete response came back (a
	// timeout, a reset connection, a truncated body).
	Status int
	// RetryAfter is how long the server asked the client to wait (0: not
	// given).
	RetryAfter time.Duration
	// Retryable reports whether the same request may succeed later. The
	// constructors set it from [RetryableStatus] (or true for a transport
	// failure); an adapter may overrule it with what its server says (such
	// as Anthropic's x-should-retry header).
	Retryable bool
	// Auth reports that the server refused the key, or its permission for
	// the model: never worth retrying.
	Auth bool
	// Message says what went wrong in words: the server's own explanation
	// or the adapter's.
	Message string
	// Fix names the setting to change when retrying cannot help.
	Fix string
	// Err is the underlying error, if any, with secrets removed.
	Err error
}

// RetryableStatus reports whether a response with this status may succeed
// if sent again: 408 timeout, 409 conflict, 425 too early (RFC 8470 asks
// the client to retry once its request cannot be a replay), 429 rate limit
// and every 5xx, Anthropic's 529 "overloaded" included. Bad requests, bad
// keys and unknown models (400, 401, 403, 404, 422) are not.
func RetryableStatus(code int) bool {
	switch {
	case code == http.StatusRequestTimeout, code == http.StatusConflict,
		code == http.StatusTooEarly, code == http.StatusTooManyRequests:
		return true
	}
	return code >= 500
}

// HTTPError classifies a response with a non-success status. header may be
// nil; message is the server's error text (trimmed to a sensible length).
func HTTPError(info Info, status int, header http.Header, message string) *Error {
	e := &Error{Info: info, Status: status, Retryable: RetryableStatus(status), Message: clip(Redact(strings.TrimSpace(message)), 300)}
	if header != nil {
		e.RetryAfter = RetryAfter(header, time.Now())
	}
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		e.Auth = true
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
// It is retryable unless err is a body over the size limit
// ([ErrBodyTooLarge]): the same server would send the same flood again.
func TransportError(info Info, err error) *Error {
	return &Error{Info: info, Err: cleanErr(err), Retryable: !errors.Is(err, ErrBodyTooLarge)}
}

// Error describes the failure with the server's message and what to fix;
// registered secrets and URL credentials in it are redacted (see
// [Redact]).
func (e *Error) Error() string { return Redact(e.text()) }

func (e *Error) text() string {
	var b strings.Builder
	b.WriteString(e.Name())
	b.WriteString(": ")
	if e.Status == 0 {
		switch {
		case e.Message != "":
			b.WriteString(e.Message)
			if e.Err != nil {
				b.WriteString(": " + e.Err.Error())
			}
		case e.Err != nil:
			b.WriteString(e.Err.Error())
		default:
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
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether the same request may succeed later.
func (e *Error) Temporary() bool { return e.Retryable }

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
		return pe.Retryable, pe.RetryAfter
	}
	if errors.Is(err, ErrBodyTooLarge) {
		return false, 0
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

// cleanErr returns err, or a plain error with its text redacted if the text
// holds a secret (a server or library that echoes what it was sent), so
// that no error in the chain can print one. The sentinels callers branch
// on survive the rewrite.
func cleanErr(err error) error {
	if err == nil {
		return nil
	}
	s := err.Error()
	if r := Redact(s); r != s {
		for _, sentinel := range []error{ErrBodyTooLarge, ErrImpossibleUsage, context.DeadlineExceeded} {
			if errors.Is(err, sentinel) {
				return fmt.Errorf("%s: %w", r, sentinel)
			}
		}
		return errors.New(r)
	}
	return err
}

// RetryAfter reads how long a response asks the client to wait: the
// retry-after-ms header (milliseconds, as OpenAI sends it), then
// Retry-After as seconds or as an HTTP date. It returns 0 when neither is
// usable.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && ms > 0 && ms < 1e12 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 || s > 1e9 {
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

// LastResponse keeps whether a request went out and the status and headers
// of the last HTTP response, which SDK errors do not carry when the body is
// not JSON or is cut off. An adapter's transport or SDK middleware fills it
// in and hands it to [Classify]; it is safe for concurrent use.
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

// Classify turns a failed SDK call into an [*Error], for adapters whose SDK
// errors need reading case by case. It returns the caller's own
// cancellation (ctx) unchanged: a sample the engine cancelled is not a
// failure. reqCtx is the request's own context, whose deadline is a
// timeout. sent, status and header are what the transport saw (see
// [LastResponse]), status and header already replaced by those the SDK's
// error carries. A call that ended in an error status (400 and up) comes
// back pending: Status, Retryable and RetryAfter are set, and the adapter
// adds what its error body says with [Error.Explain]. Every other failure
// comes back final.
func Classify(ctx, reqCtx context.Context, info Info, err error, sent bool, status int, header http.Header) (pending *Error, final error) {
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	e := TransportError(info, err)
	switch {
	case reqCtx.Err() != nil:
		e.Message = "no answer within the request timeout"
		return nil, e
	case errors.Is(err, ErrBodyTooLarge):
		return nil, e
	case !sent:
		// The SDK refused the request before sending it (such as a
		// max_tokens too large for a non-streaming call): the same
		// request would fail the same way.
		e.Retryable = false
		e.Message = "request not sent"
		return nil, e
	case status < 400:
		// A response that started well but could not be read (cut off,
		// not JSON), or no response at all: worth another try.
		if status != 0 {
			e.Message = "response body unreadable"
		} else {
			e.Message = "request failed"
		}
		return nil, e
	}
	e.Status = status
	e.Retryable = RetryableStatus(status)
	if header != nil {
		e.RetryAfter = RetryAfter(header, time.Now())
	}
	return e, nil
}

// Explain words the message of an error status that [Classify] left
// pending: what the status means, then the server's own detail. keyRejected
// is the adapter's own sign that the key was refused, whatever the status
// (Gemini answers a bad key with 400).
func (e *Error) Explain(keyRejected bool, detail string) *Error {
	switch {
	case e.Status == http.StatusUnauthorized || keyRejected:
		e.Auth = true
		e.Message = fmt.Sprintf("authentication failed: the API key in %s was rejected", e.KeyEnv)
	case e.Status == http.StatusForbidden:
		e.Auth = true
		e.Message = fmt.Sprintf("permission denied: the key in %s may not use %s", e.KeyEnv, e.Model)
	case e.Status == http.StatusNotFound:
		e.Message = fmt.Sprintf("not found: check the model name %q and the base URL", e.Model)
	case e.Status == http.StatusTooManyRequests:
		e.Message = "rate limited"
	case e.Status >= 500:
		e.Message = "server error"
	default:
		e.Message = "request rejected"
	}
	if e.Auth {
		e.Retryable = false
	}
	if detail != "" {
		e.Message += ": " + clip(detail, 500)
	}
	e.Message = Redact(e.Message)
	return e
}

// UnknownOption is the error for an option key that provider prefix does not
// know; it lists the known ones (the keys of known), sorted, so that the
// user sees the fix.
func UnknownOption(prefix, key string, known map[string]string) error {
	names := make([]string, 0, len(known))
	for o := range known {
		names = append(names, o)
	}
	sort.Strings(names)
	return fmt.Errorf("%s: unknown option %q (known: %s)", prefix, key, strings.Join(names, ", "))
}
