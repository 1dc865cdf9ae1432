package provider

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

// script is a fake bare call: it fails with the queued errors in turn,
// then answers.
type script struct {
	mu    sync.Mutex
	errs  []error
	calls int
}

func (s *script) call(_ context.Context, _ maker.Request, n int) ([]maker.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if len(s.errs) > 0 {
		err := s.errs[0]
		s.errs = s.errs[1:]
		return nil, err
	}
	out := make([]maker.Response, n)
	for i := range out {
		out[i] = maker.Response{Text: "ok", OutputTokens: 5}
	}
	return out, nil
}

// sleeps records the waits instead of sleeping.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func TestRetry(t *testing.T) {
	info := Info{Provider: "openai", Model: "m", KeyEnv: "OPENAI_API_KEY"}
	limited := HTTPError(info, 429, nil, "")
	limited.RetryAfter = 3 * time.Second
	tests := []struct {
		name      string
		errs      []error
		max       int
		wantErr   string // "" for success
		calls     int
		retries   int
		minWaits  []time.Duration // each wait at least this
		wantWaits int
	}{
		{"no failure", nil, 8, "", 1, 0, nil, 0},
		{"429 honours Retry-After", []error{limited}, 8, "", 2, 1, []time.Duration{3 * time.Second}, 1},
		{"5xx then success", []error{HTTPError(info, 500, nil, ""), HTTPError(info, 502, nil, "")}, 8, "", 3, 2, []time.Duration{0, 0}, 2},
		{"transport errors", []error{TransportError(info, errors.New("unexpected EOF")), context.DeadlineExceeded}, 8, "", 3, 2, nil, 2},
		{"401 stops at once", []error{HTTPError(info, 401, nil, "bad key")}, 8, "OPENAI_API_KEY", 1, 0, nil, 0},
		{"404 stops at once", []error{HTTPError(info, 404, nil, "")}, 8, `model "m"`, 1, 0, nil, 0},
		{"gives up", []error{HTTPError(info, 503, nil, ""), HTTPError(info, 503, nil, ""), HTTPError(info, 503, nil, "")}, 2, "giving up after 2 retries", 3, 0, nil, 2},
		{"never retries", []error{HTTPError(info, 503, nil, "")}, 0, "HTTP 503", 1, 0, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{errs: tt.errs}
			sl := &sleeps{}
			call := Retry(RetryConfig{MaxRetries: tt.max, Initial: 10 * time.Millisecond, Sleep: sl.sleep})(s.call)
			rs, err := call(context.Background(), maker.Request{}, 2)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if len(rs) != 2 || rs[0].Retries != tt.retries || rs[1].Retries != 0 {
					t.Errorf("responses %+v: want 2 with %d retries on the first", rs, tt.retries)
				}
			} else if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
			}
			if s.calls != tt.calls {
				t.Errorf("%d calls, want %d", s.calls, tt.calls)
			}
			if len(sl.waits) != tt.wantWaits {
				t.Fatalf("waits %v, want %d", sl.waits, tt.wantWaits)
			}
			for i, min := range tt.minWaits {
				if sl.waits[i] < min {
					t.Errorf("wait %d = %s, want at least %s", i, sl.waits[i], min)
				}
			}
			for _, w := range sl.waits {
				if w <= 0 || w > 30*time.Second {
					t.Errorf("wait %s out of range", w)
				}
			}
		})
	}
}

func TestRetryBackoffGrowsWithJitter(t *testing.T) {
	info := Info{Provider: "p"}
	var errs []error
	for i := 0; i < 6; i++ {
		errs = append(errs, HTTPError(info, 500, nil, ""))
	}
	s := &script{errs: errs}
	sl := &sleeps{}
	initial := 100 * time.Millisecond
	_, err := Retry(RetryConfig{MaxRetries: DefaultMaxRetries, Initial: initial, Max: time.Hour, Sleep: sl.sleep})(s.call)(context.Background(), maker.Request{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Wait i is initial*2^i with ±50% jitter.
	for i, w := range sl.waits {
		base := float64(initial) * float64(int(1)<<i)
		if float64(w) < 0.5*base || float64(w) > 1.5*base {
			t.Errorf("wait %d = %s, want within ±50%% of %s", i, w, time.Duration(base))
		}
	}
}

func TestRetryStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &script{errs: []error{HTTPError(Info{}, 503, nil, ""), HTTPError(Info{}, 503, nil, "")}}
	sleep := func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	_, err := Retry(RetryConfig{MaxRetries: 3, Sleep: sleep})(s.call)(ctx, maker.Request{}, 1)
	if !errors.Is(err, context.Canceled) || s.calls != 1 {
		t.Fatalf("err = %v after %d calls; want context.Canceled after 1", err, s.calls)
	}
}

func TestRetryAfterTooLongGivesUp(t *testing.T) {
	e := HTTPError(Info{Provider: "p"}, 429, nil, "")
	e.RetryAfter = time.Hour
	s := &script{errs: []error{e}}
	_, err := Retry(RetryConfig{MaxRetries: 3, MaxRetryAfter: time.Minute, Sleep: (&sleeps{}).sleep})(s.call)(context.Background(), maker.Request{}, 1)
	if err == nil || !strings.Contains(err.Error(), "asks to wait 1h0m0s") {
		t.Fatalf("err = %v", err)
	}
}

func TestTimeout(t *testing.T) {
	hang := func(ctx context.Context, _ maker.Request, _ int) ([]maker.Response, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	call := Timeout(20*time.Millisecond, Info{Provider: "p", Model: "m"})(hang)
	_, err := call(context.Background(), maker.Request{}, 1)
	if retry, _ := Retryable(err); !retry || !strings.Contains(err.Error(), "--timeout") {
		t.Fatalf("attempt timeout: err = %v, retryable %v; want a retryable error naming --timeout", err, retry)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := call(ctx, maker.Request{}, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("caller's cancellation: err = %v, want context.Canceled", err)
	}
}
