package provider

import (
	"context"
	"fmt"

	"golang.org/x/time/rate"

	"github.com/maker-go/maker"
)

// Limits are client-side rate limits, so a run stays under a provider's
// quota instead of learning it from 429s. Zero fields are no limit.
type Limits struct {
	RequestsPerMinute float64
	TokensPerMinute   float64
	// Pacer, when set, keeps the limits for every process that shares it
	// (see [maker.Pacer]) instead of in this process; Key names the
	// budget there.
	Pacer maker.Pacer
	Key   string
}

// Limit waits before each attempt until the request and token budgets
// allow it. A request is charged its estimated tokens up front: the prompt
// at about four characters a token, plus the output limit for each of its
// n completions. A request larger than a whole minute's tokens is let
// through alone once the bucket is full, rather than failing.
//
// With a Pacer the waiting is the pacer's: it is asked once per attempt
// with the estimate. Its errors end the attempt as they are, so [Retry]
// judges them as any other: a lost connection to the pacer's database is a
// temporary failure, retried within the retry budget (a short outage is
// outlasted), and any other (a read-only journal, say) fails the sample at
// once.
//
// Put Limit inside [Retry] so that every attempt, retries included, counts
// against the budget; the limiters are shared by every call through the
// returned middleware.
func Limit(l Limits) (Middleware, error) {
	rpm, tpm := l.RequestsPerMinute, l.TokensPerMinute
	if rpm < 0 || tpm < 0 {
		return nil, fmt.Errorf("rate limits must not be negative (rpm %g, tpm %g)", rpm, tpm)
	}
	if rpm == 0 && tpm == 0 {
		return func(next Call) Call { return next }, nil
	}
	if l.Pacer != nil {
		return func(next Call) Call {
			return func(ctx context.Context, req maker.Request, n int) ([]maker.Response, error) {
				if err := l.Pacer.Wait(ctx, l.Key, rpm, tpm, EstimateTokens(req, n)); err != nil {
					return nil, err
				}
				return next(ctx, req, n)
			}
		}, nil
	}
	var reqs, toks *rate.Limiter
	if rpm > 0 {
		reqs = rate.NewLimiter(rate.Limit(rpm/60), max(1, int(rpm/60)))
	}
	tokBurst := 0
	if tpm > 0 {
		tokBurst = max(1, int(tpm))
		toks = rate.NewLimiter(rate.Limit(tpm/60), tokBurst)
	}
	return func(next Call) Call {
		return func(ctx context.Context, req maker.Request, n int) ([]maker.Response, error) {
			if reqs != nil {
				if err := reqs.Wait(ctx); err != nil {
					return nil, err
				}
			}
			if toks != nil {
				if err := toks.WaitN(ctx, min(EstimateTokens(req, n), tokBurst)); err != nil {
					return nil, err
				}
			}
			return next(ctx, req, n)
		}
	}, nil
}

// EstimateTokens is what a request may use at most: the prompt at about
// four characters a token and the output limit for each of n completions.
func EstimateTokens(req maker.Request, n int) int {
	out := req.MaxTokens
	if out <= 0 {
		out = maker.DefaultMaxTokens
	}
	return req.EstimateTokens() + 1 + out*max(n, 1)
}
