package provider_test

import (
	"context"
	"fmt"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/provider"
)

// A provider's bare call fails the way real APIs do; the middleware retries
// what can be retried and counts the retries apart from the votes.
func ExampleWrap() {
	info := provider.Info{Provider: "example", Model: "m", KeyEnv: "EXAMPLE_API_KEY"}
	calls := 0
	bare := maker.ModelFunc(func(ctx context.Context, req maker.Request) (maker.Response, error) {
		calls++
		switch calls {
		case 1:
			return maker.Response{}, provider.HTTPError(info, 429, nil, "slow down")
		case 2:
			return maker.Response{}, provider.HTTPError(info, 503, nil, "overloaded")
		}
		return maker.Response{Text: "move = [1, 0, 2]", OutputTokens: 9}, nil
	})
	m := provider.Wrap(bare,
		provider.Retry(provider.RetryConfig{MaxRetries: 3, Initial: time.Millisecond}),
		provider.Timeout(time.Minute, info))
	r, err := m.Generate(context.Background(), maker.Request{})
	fmt.Println(r.Text, r.Retries, err)

	// A bad key is not retried: the error names the variable to fix.
	calls = 0
	bad := maker.ModelFunc(func(ctx context.Context, req maker.Request) (maker.Response, error) {
		calls++
		return maker.Response{}, provider.HTTPError(info, 401, nil, "invalid key")
	})
	_, err = provider.Wrap(bad, provider.Retry(provider.RetryConfig{MaxRetries: 3})).Generate(context.Background(), maker.Request{})
	fmt.Println(calls, err)
	// Output:
	// move = [1, 0, 2] 2 <nil>
	// 1 example/m: HTTP 401 Unauthorized: invalid key (check the API key in $EXAMPLE_API_KEY, or name another variable with --api-key-env)
}
