package runs

import (
	"context"
	"sync"

	"github.com/maker-go/maker"
)

// Models shares opened provider models among the runs of a process. A
// provider model carries its client-side limits (requests and tokens per
// minute, retries), so runs that open the same model through Models, under
// the same key, share one set of limits rather than each spending the
// provider's whole quota.
type Models struct {
	mu sync.Mutex
	m  map[string]maker.Model
}

// Open returns the model opened under key, opening it with open the first
// time. The key must tell apart every setting that changes the model or
// its limits (name, endpoint, key variable, rate limits, retries); it must
// not hold the API key itself.
func (s *Models) Open(ctx context.Context, key string, open func(context.Context) (maker.Model, error)) (maker.Model, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.m[key]; ok {
		return m, nil
	}
	m, err := open(ctx)
	if err != nil {
		return nil, err
	}
	if s.m == nil {
		s.m = map[string]maker.Model{}
	}
	s.m[key] = m
	return m, nil
}
