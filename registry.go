package maker

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// ModelSpec names a model LiteLLM-style, "provider/model", with the
// settings a provider needs to open it.
type ModelSpec struct {
	// Name is the full name, such as "openai/gpt-4.1-mini".
	Name string
	// BaseURL overrides the provider's default endpoint.
	BaseURL string
	// APIKeyEnv overrides the environment variable the key is read from.
	// Keys come from the environment only.
	APIKeyEnv string
	// Timeout bounds one request (0: the provider's default).
	Timeout time.Duration
	// Transport holds the settings every real provider's request stack
	// shares: retries and client-side rate limits.
	Transport Transport
	// Options holds provider-specific settings.
	Options map[string]string
}

// Transport holds the settings every real provider's request stack shares
// (see package provider). The zero value sends each request once, with no
// rate limit; the command line retries 8 times by default.
type Transport struct {
	// Retries is the most retries of one failed request (rate limits,
	// server errors, timeouts, dropped connections); 0 never retries.
	Retries int
	// RetryWait is the first backoff wait, doubled after each retry
	// (0: the provider's default).
	RetryWait time.Duration
	// RPM is the most requests per minute (0: no limit).
	RPM float64
	// TPM is the most tokens per minute, estimated before each request
	// (0: no limit).
	TPM float64
	// Pacer, when set, keeps RPM and TPM for every process that shares
	// it, a whole fleet of workers, instead of for this process alone:
	// ten workers with --rpm 600 then send 600 requests a minute in
	// all, not 600 each. Without one each process keeps its own budget.
	Pacer Pacer
}

// A Pacer keeps a provider's request and token rate across processes, so
// that workers on many machines share one quota: each asks it before
// every attempt of a request. PostgreSQL's journal has one
// (postgres.DB.Pacer).
type Pacer interface {
	// Wait blocks until one request of about tokens tokens may be sent
	// under the budget named key, with rpm requests and tpm tokens a
	// minute (0: no limit of that kind); ctx ending returns ctx.Err().
	// A request of more than tpm tokens is charged a minute's tokens, so
	// that it waits for a whole minute's budget rather than forever.
	Wait(ctx context.Context, key string, rpm, tpm float64, tokens int) error
}

// Split returns the provider prefix and the model name.
func (s ModelSpec) Split() (provider, model string, err error) {
	provider, model, ok := strings.Cut(s.Name, "/")
	if !ok || provider == "" || model == "" {
		return "", "", fmt.Errorf("model %q: want provider/model (providers: %s)", s.Name, strings.Join(Providers(), ", "))
	}
	return provider, model, nil
}

// Opener opens a model of one provider.
type Opener func(ctx context.Context, spec ModelSpec) (Model, error)

var (
	providersMu sync.RWMutex
	providers   = map[string]Opener{}
)

// RegisterProvider makes a provider available under a prefix, the way
// database/sql drivers register: provider packages call it from init.
// Registering a prefix twice panics.
func RegisterProvider(prefix string, open Opener) {
	providersMu.Lock()
	defer providersMu.Unlock()
	if open == nil {
		panic("maker: RegisterProvider opener is nil")
	}
	if _, dup := providers[prefix]; dup {
		panic("maker: RegisterProvider called twice for " + prefix)
	}
	providers[prefix] = open
}

// Providers lists the registered prefixes, sorted.
func Providers() []string {
	providersMu.RLock()
	defer providersMu.RUnlock()
	out := make([]string, 0, len(providers))
	for p := range providers {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// OpenModel opens the model a spec names through its provider's opener.
// An unknown prefix is an error that lists the known ones.
func OpenModel(ctx context.Context, spec ModelSpec) (Model, error) {
	prefix, _, err := spec.Split()
	if err != nil {
		return nil, err
	}
	providersMu.RLock()
	open, ok := providers[prefix]
	providersMu.RUnlock()
	if !ok {
		known := Providers()
		if len(known) == 0 {
			return nil, fmt.Errorf("model %q: unknown provider %q (no providers are registered)", spec.Name, prefix)
		}
		return nil, fmt.Errorf("model %q: unknown provider %q (known: %s)", spec.Name, prefix, strings.Join(known, ", "))
	}
	return open(ctx, spec)
}
