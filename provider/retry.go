package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/maker-go/maker"
)

// RetryConfig shapes [Retry]. Zero durations take the defaults.
type RetryConfig struct {
	// MaxRetries is how many times one request is retried: 0 never retries
	// (the command line's default is [DefaultMaxRetries]).
	MaxRetries int
	// Initial is the first backoff wait (default 250ms); each further wait
	// is 2x the last, with ±50% jitter so that parallel samples do not
	// retry in lockstep, up to Max (default 30s).
	Initial time.Duration
	Max     time.Duration
	// MaxRetryAfter caps how long a server's Retry-After is honoured
	// (default 5m): a longer wait gives up instead.
	MaxRetryAfter time.Duration
	// Sleep waits between attempts (default: a timer that ctx can cut
	// short). Tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Default retry settings.
const (
	DefaultMaxRetries    = 8
	DefaultRetryInitial  = 250 * time.Millisecond
	DefaultRetryMax      = 30 * time.Second
	DefaultMaxRetryAfter = 5 * time.Minute
)

func (c RetryConfig) withDefaults() RetryConfig {
	if c.MaxRetries < 0 {
		c.MaxRetries = 0
	}
	if c.Initial <= 0 {
		c.Initial = DefaultRetryInitial
	}
	if c.Max <= 0 {
		c.Max = DefaultRetryMax
	}
	if c.Max < c.Initial {
		c.Max = c.Initial
	}
	if c.MaxRetryAfter <= 0 {
		c.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if c.Sleep == nil {
		c.Sleep = sleep
	}
	return c
}

// Retry retries calls that fail with a temporary error (see [Retryable]):
// rate limits, server errors, timeouts, reset connections and truncated
// bodies. It waits with exponential backoff and jitter, or as long as the
// server's Retry-After asks when that is longer. Errors a retry cannot fix
// (a bad key, an unknown model, a rejected request) come back at once. The
// retries are counted in the first response's [maker.Response.Retries]: a
// retry is not a vote.
func Retry(cfg RetryConfig) Middleware {
	cfg = cfg.withDefaults()
	return func(next Call) Call {
		return func(ctx context.Context, req maker.Request, n int) ([]maker.Response, error) {
			b := &backoff.ExponentialBackOff{
				InitialInterval:     cfg.Initial,
				RandomizationFactor: 0.5,
				Multiplier:          2,
				MaxInterval:         cfg.Max,
			}
			b.Reset()
			for retries := 0; ; retries++ {
				rs, err := next(ctx, req, n)
				if err == nil {
					if len(rs) > 0 {
						rs[0].Retries += retries
					}
					return rs, nil
				}
				if ctx.Err() != nil {
					return nil, err
				}
				again, after := Retryable(err)
				if !again {
					return nil, err
				}
				if cfg.MaxRetries == 0 {
					return nil, err
				}
				if retries >= cfg.MaxRetries {
					return nil, fmt.Errorf("giving up after %d retries: %w", retries, err)
				}
				if after > cfg.MaxRetryAfter {
					return nil, fmt.Errorf("the server asks to wait %s, more than %s: %w", after.Round(time.Second), cfg.MaxRetryAfter, err)
				}
				wait := max(b.NextBackOff(), after)
				if err := cfg.Sleep(ctx, wait); err != nil {
					return nil, err
				}
			}
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Timeout bounds each attempt of a call (put it inside [Retry], so each
// try gets the full time). An attempt that runs out of time fails with a
// temporary [*Error], so Retry tries again; the caller's own cancellation
// is passed through untouched.
func Timeout(d time.Duration, info Info) Middleware {
	return func(next Call) Call {
		if d <= 0 {
			return next
		}
		return func(ctx context.Context, req maker.Request, n int) ([]maker.Response, error) {
			actx, cancel := context.WithTimeout(ctx, d)
			defer cancel()
			rs, err := next(actx, req, n)
			if err != nil && ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
				return nil, TransportError(info, fmt.Errorf("no answer within %s (--timeout): %w", d, context.DeadlineExceeded))
			}
			return rs, err
		}
	}
}
