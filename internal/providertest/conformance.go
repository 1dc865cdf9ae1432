package providertest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/provider"
)

// Adapter describes a provider adapter to the conformance suite: how to
// name a model, where its key comes from, and how its API writes an answer
// and an error.
type Adapter struct {
	// Model is a full model name the adapter opens, such as
	// "openai/gpt-4.1-mini".
	Model string
	// Key is a recognisable fake key; KeyEnv the variable the adapter
	// reads it from by default.
	Key, KeyEnv string
	// BaseURL turns the fake server's URL into the adapter's base URL
	// (nil: the server's URL as it is).
	BaseURL func(server string) string
	// Answer writes a successful response with one answer and the usage
	// given (counts may be absurd: the suite checks they are refused).
	Answer func(w http.ResponseWriter, text string, in, cached, out int64)
	// Fail writes an error response with the status and the message, and
	// the headers already set on w.
	Fail func(w http.ResponseWriter, status int, message string)
}

// req is what every suite request asks.
var req = maker.Request{
	Prompt:      maker.Prompt{System: "You solve Towers of Hanoi one move at a time.", User: "State: [[3,2,1],[],[]]"},
	Temperature: 0.5,
	MaxTokens:   100,
}

// Run runs the conformance suite against an adapter: every adapter opens
// through [provider.Open] with the settings of [maker.Transport], fails
// with a *[provider.Error] classified by the same status rule, keeps its
// key and the credentials of its URL out of every error, caps the response
// body, refuses impossible usage, and gives up on a hung server at the
// request timeout.
func Run(t *testing.T, a Adapter) {
	open := func(t *testing.T, f *Fake, base string, spec maker.ModelSpec) maker.Model {
		t.Helper()
		t.Setenv(a.KeyEnv, a.Key)
		if base == "" {
			base = f.URL
		}
		if a.BaseURL != nil {
			base = a.BaseURL(base)
		}
		spec.Name, spec.BaseURL = a.Model, base
		if spec.Timeout == 0 {
			spec.Timeout = 5 * time.Second
		}
		m, err := maker.OpenModel(context.Background(), spec)
		if err != nil {
			t.Fatalf("open %s: %v", a.Model, err)
		}
		return m
	}
	answer := func(text string, in, cached, out int64) Reply {
		return func(w http.ResponseWriter, _ *http.Request, _ map[string]any) { a.Answer(w, text, in, cached, out) }
	}
	once := maker.ModelSpec{} // the zero Transport: no retries

	t.Run("answers", func(t *testing.T) {
		f := NewFake(t, answer("move 1 from 0 to 2", 120, 20, 9))
		r, err := open(t, f, "", once).Generate(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if r.Text != "move 1 from 0 to 2" || r.InputTokens != 120 || r.CachedInputTokens != 20 || r.OutputTokens != 9 || r.Finish != maker.FinishStop {
			t.Errorf("response %+v", r)
		}
		if len(f.Requests()) != 1 {
			t.Errorf("%d requests, want 1", len(f.Requests()))
		}
	})

	t.Run("statuses", func(t *testing.T) {
		tests := []struct {
			status     int
			retryAfter string
			retryable  bool
			auth       bool
		}{
			{429, "2", true, false},
			{408, "", true, false},
			{409, "", true, false},
			{425, "", true, false},
			{500, "", true, false},
			{503, "", true, false},
			{400, "", false, false},
			{401, "", false, true},
			{403, "", false, true},
			{404, "", false, false},
			{422, "", false, false},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
				f := NewFake(t, func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
					if tt.retryAfter != "" {
						w.Header().Set("Retry-After", tt.retryAfter)
					}
					// A careless server echoes the key it was sent.
					a.Fail(w, tt.status, "refused: "+a.Key)
				})
				_, err := open(t, f, "", once).Generate(context.Background(), req)
				var e *provider.Error
				if !errors.As(err, &e) {
					t.Fatalf("error %v (%T), want *provider.Error", err, err)
				}
				wantAfter := time.Duration(0)
				if tt.retryAfter != "" {
					wantAfter = 2 * time.Second
				}
				if e.Status != tt.status || e.Retryable != tt.retryable || e.Retryable != provider.RetryableStatus(tt.status) || e.Auth != tt.auth || e.RetryAfter != wantAfter {
					t.Errorf("status %d retryable %v auth %v after %v; want %d %v %v %v (%v)", e.Status, e.Retryable, e.Auth, e.RetryAfter, tt.status, tt.retryable, tt.auth, wantAfter, err)
				}
				if !strings.HasPrefix(err.Error(), a.Model+": ") {
					t.Errorf("error %q does not name the model", err)
				}
				if tt.auth && !strings.Contains(err.Error(), a.KeyEnv) {
					t.Errorf("error %q does not name %s", err, a.KeyEnv)
				}
				AssertNoKey(t, err, a.Key)
				if n := len(f.Requests()); n != 1 {
					t.Errorf("%d requests with retries off, want 1", n)
				}
			})
		}
	})

	t.Run("retries", func(t *testing.T) {
		for _, retries := range []int{0, 1, 3} {
			calls := 0
			f := NewFake(t, func(w http.ResponseWriter, r *http.Request, body map[string]any) {
				calls++
				if calls <= 2 {
					a.Fail(w, 503, "overloaded")
					return
				}
				a.Answer(w, "ok", 10, 0, 1)
			})
			_, err := open(t, f, "", maker.ModelSpec{Transport: maker.Transport{Retries: retries, RetryWait: time.Millisecond}}).Generate(context.Background(), req)
			wantCalls := min(retries+1, 3)
			if (err == nil) != (retries >= 2) || len(f.Requests()) != wantCalls {
				t.Errorf("retries %d: err %v after %d requests; want %d requests", retries, err, len(f.Requests()), wantCalls)
			}
		}
	})

	t.Run("cancelled", func(t *testing.T) {
		f := NewFake(t, func(w http.ResponseWriter, r *http.Request, _ map[string]any) { <-r.Context().Done() })
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		_, err := open(t, f, "", maker.ModelSpec{Transport: maker.Transport{Retries: 3}}).Generate(ctx, req)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})

	t.Run("hung server", func(t *testing.T) {
		// Headers and half a body, then nothing more.
		f := NewFake(t, func(w http.ResponseWriter, r *http.Request, _ map[string]any) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"id":`))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		})
		start := time.Now()
		_, err := open(t, f, "", maker.ModelSpec{Timeout: 200 * time.Millisecond}).Generate(context.Background(), req)
		if wall := time.Since(start); err == nil || wall > 5*time.Second {
			t.Fatalf("err %v after %s; want a timeout after 200ms", err, wall)
		}
		if ok, _ := provider.Retryable(err); !ok || !strings.Contains(err.Error(), "200ms") {
			t.Errorf("err %v: want a retryable error naming the timeout", err)
		}
	})

	t.Run("body flood", func(t *testing.T) {
		chunk := []byte(strings.Repeat(" ", 64<<10))
		f := NewFake(t, func(w http.ResponseWriter, r *http.Request, _ map[string]any) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":"x","padding":"`))
			for range 16 << 10 { // up to 1 GiB
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		})
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := open(t, f, "", maker.ModelSpec{Transport: maker.Transport{Retries: 3, RetryWait: time.Millisecond}, Timeout: time.Minute}).Generate(context.Background(), req)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, provider.ErrBodyTooLarge) {
			t.Fatalf("err = %v, want provider.ErrBodyTooLarge", err)
		}
		if ok, _ := provider.Retryable(err); ok || len(f.Requests()) != 1 {
			t.Errorf("a flooded body was retried (%d requests)", len(f.Requests()))
		}
		if grown := after.TotalAlloc - before.TotalAlloc; grown > 128<<20 {
			t.Errorf("reading a flooded body allocated %d MiB (the limit is %d MiB)", grown>>20, provider.BodyLimit(req, 1)>>20)
		}
		AssertNoKey(t, err, a.Key)
	})

	t.Run("impossible usage", func(t *testing.T) {
		tests := []struct {
			name            string
			in, cached, out int64
		}{
			{"negative input", -1000000000, 0, 5},
			{"negative output", 100, 0, -5},
			{"output near MaxInt64", 100, 0, 1<<63 - 2},
			{"absurd input", 1 << 40, 0, 5},
			{"more cached than input", 10, 20, 5},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := NewFake(t, answer("move 1 from 0 to 2", tt.in, tt.cached, tt.out))
				r, err := open(t, f, "", once).Generate(context.Background(), req)
				if err == nil {
					t.Fatalf("accepted usage %+v", r)
				}
				var e *provider.Error
				if !errors.As(err, &e) {
					t.Fatalf("error %v (%T), want *provider.Error", err, err)
				}
				// A count that does not fit the API's own type is a body
				// the SDK cannot decode: refused all the same.
				if !errors.Is(err, provider.ErrImpossibleUsage) && (e.Status != 0 || !e.Retryable) {
					t.Errorf("err = %v, want provider.ErrImpossibleUsage or an unreadable body", err)
				}
			})
		}
	})

	t.Run("URL credentials", func(t *testing.T) {
		f := NewFake(t, func(w http.ResponseWriter, _ *http.Request, _ map[string]any) { a.Fail(w, 404, "no such model") })
		base := strings.Replace(f.URL, "http://", "http://user:HUNTER2PASS@", 1) + "?key=QUERYSECRET1"
		_, err := open(t, f, base, once).Generate(context.Background(), req)
		if err == nil {
			t.Fatal("no error from a 404")
		}
		AssertNoKey(t, err, "HUNTER2PASS")
		AssertNoKey(t, err, "QUERYSECRET1")
	})
}
