package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/maker-go/maker/events"
	"github.com/maker-go/maker/runs"
)

// Client calls a maker service's API: the command line's --server mode.
type Client struct {
	// Base is the service's URL, e.g. http://127.0.0.1:7777.
	Base string
	// Token is the bearer token, or "".
	Token string
	// TokenFrom says where Token comes from (e.g. "$MAKER_TOKEN"), so that
	// an answer refusing the request as unauthorized says where to set it.
	TokenFrom string
	HTTP      *http.Client
}

// APIError is an error answer of the service.
type APIError struct {
	Status  int
	Message string
	// Hint, when set, says what to do about it.
	Hint string
}

func (e *APIError) Error() string {
	if e.Hint != "" {
		return fmt.Sprintf("server: %s (%d): %s", e.Message, e.Status, e.Hint)
	}
	return fmt.Sprintf("server: %s (%d)", e.Message, e.Status)
}

func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(c.Base, "/")+path, r)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.send(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		return c.answerError(res.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// send sends req with the client's token, on its HTTP client. A service
// that cannot be reached is named, with the transport's reason.
func (c *Client) send(req *http.Request) (*http.Response, error) {
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil && req.Context().Err() == nil {
		// The url.Error repeats the request's URL; its cause is enough.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("cannot reach the service at %s: is maker serve running? (%w)", c.Base, err)
	}
	return res, err
}

// answerError is the service's answer with an error status: its JSON
// error message, or else the body's text. An unauthorized answer says
// where the token is set.
func (c *Client) answerError(status int, body []byte) *APIError {
	var e apiError
	if json.Unmarshal(body, &e) != nil || e.Error == "" {
		e.Error = strings.TrimSpace(string(body))
	}
	ae := &APIError{Status: status, Message: e.Error}
	if status == http.StatusUnauthorized && c.TokenFrom != "" {
		if c.Token == "" {
			ae.Hint = "the service wants a bearer token: set it in " + c.TokenFrom
		} else {
			ae.Hint = "the service refused the token in " + c.TokenFrom
		}
	}
	return ae
}

// Start starts a run and returns its id.
func (c *Client) Start(ctx context.Context, d runs.Description) (string, error) {
	var res struct {
		ID string `json:"id"`
	}
	err := c.do(ctx, "POST", "/v1/runs", d, &res)
	return res.ID, err
}

// Get is one run.
func (c *Client) Get(ctx context.Context, id string) (*runs.Info, error) {
	var in runs.Info
	if err := c.do(ctx, "GET", "/v1/runs/"+url.PathEscape(id), nil, &in); err != nil {
		return nil, err
	}
	return &in, nil
}

// List returns the page of runs f selects, as GET /v1/runs answers it:
// newest first, with how many match in all and the cursor of the next
// page.
func (c *Client) List(ctx context.Context, f runs.Filter) (*runs.Page, error) {
	q := url.Values{}
	for _, p := range []struct{ name, v string }{{"status", f.Status}, {"kind", f.Kind}, {"text", f.Text}, {"cursor", f.After}} {
		if p.v != "" {
			q.Set(p.name, p.v)
		}
	}
	if f.Offset != 0 {
		q.Set("offset", strconv.Itoa(f.Offset))
	}
	if f.Limit != 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	var l runList
	if err := c.do(ctx, "GET", "/v1/runs?"+q.Encode(), nil, &l); err != nil {
		return nil, err
	}
	return &runs.Page{Runs: l.Runs, Total: l.Total, Next: l.Next}, nil
}

// Cancel stops a run and returns it stopped.
func (c *Client) Cancel(ctx context.Context, id string) (*runs.Info, error) {
	var in runs.Info
	if err := c.do(ctx, "POST", "/v1/runs/"+url.PathEscape(id)+"/cancel", nil, &in); err != nil {
		return nil, err
	}
	return &in, nil
}

// Resume continues a stopped run.
func (c *Client) Resume(ctx context.Context, id string) error {
	return c.do(ctx, "POST", "/v1/runs/"+url.PathEscape(id)+"/resume", nil, nil)
}

// Watch calls fn with each decided step of run id after step after, live,
// until the run is not running any more (nil) or ctx ends. A dropped
// connection is resumed where it stopped (Last-Event-ID).
func (c *Client) Watch(ctx context.Context, id string, after int, fn func(events.Event) error) error {
	failures := 0
	for {
		ended, n, err := c.watchOnce(ctx, id, after, fn)
		after = n
		switch {
		case ended:
			return err // nil, or fn's error
		case ctx.Err() != nil:
			return ctx.Err()
		}
		var ae *APIError
		if errors.As(err, &ae) {
			return err
		}
		if failures++; failures > 5 {
			return fmt.Errorf("event stream of run %s: %w", id, err)
		}
		select {
		case <-time.After(time.Duration(failures) * 500 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (c *Client) watchOnce(ctx context.Context, id string, after int, fn func(events.Event) error) (ended bool, last int, err error) {
	last = after
	req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimSuffix(c.Base, "/")+"/v1/runs/"+url.PathEscape(id)+"/events", nil)
	if err != nil {
		return false, last, err
	}
	req.Header.Set("Accept", "text/event-stream")
	if after > 0 {
		req.Header.Set("Last-Event-ID", strconv.Itoa(after))
	}
	res, err := c.send(req)
	if err != nil {
		return false, last, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		return false, last, c.answerError(res.StatusCode, b)
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 4<<20)
	var event string
	var data []byte
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			switch event {
			case "end":
				return true, last, nil
			case "step":
				var ev events.Event
				if err := json.Unmarshal(data, &ev); err != nil {
					return false, last, fmt.Errorf("event stream: %w", err)
				}
				if err := fn(ev); err != nil {
					return true, last, err
				}
				last = ev.Step
			}
			event, data = "", nil
		case strings.HasPrefix(line, "event: "):
			event = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			data = append(data, line[len("data: "):]...)
		}
	}
	if err := sc.Err(); err != nil {
		return false, last, err
	}
	return false, last, io.ErrUnexpectedEOF
}
