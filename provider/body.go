package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/maker-go/maker"
)

// ErrBodyTooLarge is the error of a response body larger than its limit
// (see [BodyLimit]). Such a request is failed, not retried: the same server
// would send the same flood again.
var ErrBodyTooLarge = errors.New("response body over the size limit")

// MinBodyLimit is the least a response body may hold: far above any chat
// answer's JSON envelope.
const MinBodyLimit = 1 << 20

// bytesPerToken bounds what one output token can take in a response body:
// a token is a few characters, but JSON escaping (\u00e9 for one byte),
// log-probabilities and per-candidate metadata can multiply that.
const bytesPerToken = 64

// BodyLimit is the most bytes read from the response to a request for n
// completions of req: max(1 MiB, max tokens × n × 64 bytes). A legitimate
// answer stays far below it; a server that streams without end is cut off
// there, so a run's memory stays bounded whatever a server sends.
func BodyLimit(req maker.Request, n int) int64 {
	out := req.MaxTokens
	if out <= 0 {
		out = maker.DefaultMaxTokens
	}
	return max(MinBodyLimit, int64(out)*int64(max(n, 1))*bytesPerToken)
}

type bodyLimitKey struct{}

// WithBodyLimit returns ctx carrying the body limit of the request about to
// be sent with it; a transport made by [LimitBody] enforces it.
func WithBodyLimit(ctx context.Context, limit int64) context.Context {
	return context.WithValue(ctx, bodyLimitKey{}, limit)
}

// LimitBody wraps an HTTP transport (nil: http.DefaultTransport) so that no
// response body it returns yields more than the limit its request's
// context carries ([WithBodyLimit]; [MinBodyLimit] when none): reading past
// it fails with [ErrBodyTooLarge] and closes the connection. Every adapter
// puts it under its SDK.
func LimitBody(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return limitBody{rt}
}

type limitBody struct{ next http.RoundTripper }

func (l limitBody) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := l.next.RoundTrip(r)
	if err != nil || res.Body == nil {
		return res, err
	}
	limit, ok := r.Context().Value(bodyLimitKey{}).(int64)
	if !ok || limit <= 0 {
		limit = MinBodyLimit
	}
	if res.ContentLength > limit {
		res.Body.Close()
		return nil, fmt.Errorf("%w: the server announced %d bytes, the limit is %d", ErrBodyTooLarge, res.ContentLength, limit)
	}
	res.Body = &cappedBody{rc: res.Body, left: limit, limit: limit}
	return res, nil
}

// cappedBody reads at most limit bytes and fails after that.
type cappedBody struct {
	rc    io.ReadCloser
	left  int64
	limit int64
}

func (c *cappedBody) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// One byte more tells a body of exactly the limit from a longer one.
		var one [1]byte
		n, err := c.rc.Read(one[:])
		if n == 0 && err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, c.limit)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.rc.Read(p)
	c.left -= int64(n)
	return n, err
}

func (c *cappedBody) Close() error { return c.rc.Close() }
