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
}

// Limit waits before each attempt until the request and token budgets
// allow it. A request is charged its estimated tokens up front: the prompt
// at about four characters a token, plus the output limit for each of its
// n completions. A request larger than a whole minute's tokens is let
// through alone once the bucket is full, rather than failing.
//
// Put Limit inside [Retry] so that every attempt, retries included, counts
// against the budget; the limiters are shared by every call through the
// returned middleware.
func Limit(l Limits) (Middleware, error) {
	if l.RequestsPerMinute < 0 || l.TokensPerMinute < 0 {
		return nil, fmt.Errorf("rate limits must not be negative (rpm %g, tpm %g)", l.RequestsPerMinute, l.TokensPerMinute)
	}
	var reqs, toks *rate.Limiter
	if l.RequestsPerMinute > 0 {
		reqs = rate.NewLimiter(rate.Limit(l.RequestsPerMinute/60), max(1, int(l.RequestsPerMinute/60)))
	}
	tokBurst := 0
	if l.TokensPerMinute > 0 {
		tokBurst = max(1, int(l.TokensPerMinute))
		toks = rate.NewLimiter(rate.Limit(l.TokensPerMinute/60), tokBurst)
	}
	return func(next Call) Call {
		if reqs == nil && toks == nil {
			return next
		}
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
