package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// client runs one attempt of a test against the service: the requests its
// operation makes and the assertions on the replies.
type client struct {
	base string
	http *http.Client
	// answered, when set, is called after each request is answered (see
	// run).
	answered func()
}

func (c client) do(ctx context.Context, test string, attempt int, method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("X-Test", test)
	req.Header.Set("X-Attempt", strconv.Itoa(attempt))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if c.answered != nil {
		defer c.answered()
	}
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, b, err
}

// expect turns a status other than want into a failed result.
func expect(code, want int, body []byte) (Result, bool) {
	if code == want {
		return Result{}, true
	}
	return Result{Detail: fmt.Sprintf("status %d, want %d (%s)", code, want, strings.TrimSpace(string(body)))}, false
}

// run performs one attempt of test t with the inputs the decided action
// gave. A failed assertion or request is a failed result, never an error:
// it is data for the next step. answered is called once the first request
// has its answer (or has failed), and at the latest when run returns.
func (c client) run(ctx context.Context, t Test, attempt int, a Action, answered func()) Result {
	defer answered()
	c.answered = answered
	id := a.input("id")
	fail := func(err error) Result { return Result{Detail: err.Error()} }
	switch t.Op {
	case OpCreate:
		code, b, err := c.do(ctx, t.ID, attempt, http.MethodPost, "/users", user{Name: a.input("name")})
		if err != nil {
			return fail(err)
		}
		if r, ok := expect(code, http.StatusCreated, b); !ok {
			return r
		}
		var u user
		if err := json.Unmarshal(b, &u); err != nil || u.ID == 0 || u.Name != a.input("name") {
			return Result{Detail: fmt.Sprintf("create returned %s", strings.TrimSpace(string(b)))}
		}
		return Result{Pass: true, Vars: map[string]string{t.User: strconv.Itoa(u.ID), t.User + ".name": u.Name}}
	case OpUpdate:
		code, b, err := c.do(ctx, t.ID, attempt, http.MethodPut, "/users/"+id, user{Name: a.input("name")})
		if err != nil {
			return fail(err)
		}
		if r, ok := expect(code, http.StatusOK, b); !ok {
			return r
		}
		return Result{Pass: true, Vars: map[string]string{t.User + ".name": a.input("name")}}
	case OpGet:
		code, b, err := c.do(ctx, t.ID, attempt, http.MethodGet, "/users/"+id, nil)
		if err != nil {
			return fail(err)
		}
		if r, ok := expect(code, http.StatusOK, b); !ok {
			return r
		}
		var u user
		if err := json.Unmarshal(b, &u); err != nil || u.Name != a.input("name") {
			return Result{Detail: fmt.Sprintf("user %s is %s, want name %s", id, strings.TrimSpace(string(b)), a.input("name"))}
		}
		return Result{Pass: true}
	case OpAudit:
		code, b, err := c.do(ctx, t.ID, attempt, http.MethodGet, "/_requests", nil)
		if err != nil {
			return fail(err)
		}
		if r, ok := expect(code, http.StatusOK, b); !ok {
			return r
		}
		var log []Logged
		if err := json.Unmarshal(b, &log); err != nil {
			return fail(err)
		}
		want, _ := strconv.Atoi(id)
		for _, l := range log {
			if l.Method == http.MethodPost && l.Status == http.StatusCreated && l.User == want {
				return Result{Pass: true}
			}
		}
		return Result{Detail: fmt.Sprintf("the service logged no creation of user %s", id)}
	case OpList:
		code, b, err := c.do(ctx, t.ID, attempt, http.MethodGet, "/users", nil)
		if err != nil {
			return fail(err)
		}
		if r, ok := expect(code, http.StatusOK, b); !ok {
			return r
		}
		var us []user
		if err := json.Unmarshal(b, &us); err != nil {
			return fail(err)
		}
		have := map[string]bool{}
		for _, u := range us {
			have[strconv.Itoa(u.ID)] = true
		}
		for _, want := range strings.Split(a.input("ids"), ",") {
			if !have[want] {
				return Result{Detail: fmt.Sprintf("user %s is not listed", want)}
			}
		}
		return Result{Pass: true}
	case OpDelete:
		code, b, err := c.do(ctx, t.ID, attempt, http.MethodDelete, "/users/"+id, nil)
		if err != nil {
			return fail(err)
		}
		if r, ok := expect(code, http.StatusNoContent, b); !ok {
			return r
		}
		code, b, err = c.do(ctx, t.ID, attempt, http.MethodGet, "/users/"+id, nil)
		if err != nil {
			return fail(err)
		}
		if r, ok := expect(code, http.StatusNotFound, b); !ok {
			r.Detail = "after delete: " + r.Detail
			return r
		}
		return Result{Pass: true}
	}
	return Result{Detail: "unknown op " + t.Op}
}
