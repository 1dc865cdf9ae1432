package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/maker-go/maker"
)

// Call asks for n completions of one request (n = 1 for a plain sample).
// It is the shape every middleware sees, so one retry or limit policy
// serves single and batched requests alike.
type Call func(ctx context.Context, req maker.Request, n int) ([]maker.Response, error)

// Middleware wraps a call with one concern: retries, a rate limit, a
// timeout. Middleware composes like net/http handlers.
type Middleware func(next Call) Call

// Wrap returns m with the middleware applied, the first one outermost. The
// result is a [maker.BatchModel] exactly when m is one, and it passes on
// m's prices ([maker.Priced]) and simulated flag ([maker.Simulated]). The
// latency it reports is the whole call's, retries and waits included.
func Wrap(m maker.Model, mws ...Middleware) maker.Model {
	call := baseCall(m)
	for i := len(mws) - 1; i >= 0; i-- {
		call = mws[i](call)
	}
	w := &wrapped{base: m, call: call}
	if _, ok := m.(maker.BatchModel); ok {
		return &wrappedBatch{w}
	}
	return w
}

// Unwrap returns the model that [Wrap] wrapped, or m itself.
func Unwrap(m maker.Model) maker.Model {
	switch w := m.(type) {
	case *wrapped:
		return w.base
	case *wrappedBatch:
		return w.base
	}
	return m
}

func baseCall(m maker.Model) Call {
	bm, batch := m.(maker.BatchModel)
	return func(ctx context.Context, req maker.Request, n int) ([]maker.Response, error) {
		if n > 1 && batch {
			return bm.GenerateBatch(ctx, req, n)
		}
		if n > 1 {
			return nil, fmt.Errorf("provider: model does not batch, asked for %d completions", n)
		}
		r, err := m.Generate(ctx, req)
		if err != nil {
			return nil, err
		}
		return []maker.Response{r}, nil
	}
}

type wrapped struct {
	base maker.Model
	call Call
}

func (w *wrapped) do(ctx context.Context, req maker.Request, n int) ([]maker.Response, error) {
	start := time.Now()
	rs, err := w.call(ctx, req, n)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("provider: no completion came back")
	}
	lat := time.Since(start)
	for i := range rs {
		rs[i].Latency = lat
	}
	return rs, nil
}

// Generate implements [maker.Model].
func (w *wrapped) Generate(ctx context.Context, req maker.Request) (maker.Response, error) {
	rs, err := w.do(ctx, req, 1)
	if err != nil {
		return maker.Response{}, err
	}
	return rs[0], nil
}

// Pricing implements [maker.Priced] with the base model's prices (zero when
// it has none).
func (w *wrapped) Pricing() maker.Pricing {
	if p, ok := w.base.(maker.Priced); ok {
		return p.Pricing()
	}
	return maker.Pricing{}
}

// Simulated implements [maker.Simulated] with the base model's answer.
func (w *wrapped) Simulated() bool { return maker.IsSimulated(w.base) }

// String names the base model when it has a name.
func (w *wrapped) String() string {
	if s, ok := w.base.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%T", w.base)
}

type wrappedBatch struct{ *wrapped }

// GenerateBatch implements [maker.BatchModel].
func (w *wrappedBatch) GenerateBatch(ctx context.Context, req maker.Request, n int) ([]maker.Response, error) {
	if n < 1 {
		return nil, fmt.Errorf("provider: batch of %d completions", n)
	}
	return w.do(ctx, req, n)
}

// PriceNote implements [PriceNoter] with the base model's note.
func (w *wrapped) PriceNote() string { return PriceNote(w.base) }
