package provider

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/maker-go/maker"
)

// DefaultTimeout bounds one request when the spec sets none: long enough
// for a slow 750-token answer, short enough that a hung connection, or a
// server that streams without end, is retried rather than waited on
// forever.
const DefaultTimeout = 2 * time.Minute

// defaultTimeout is DefaultTimeout; tests shorten it.
var defaultTimeout = DefaultTimeout

// Open is the one way an adapter opens a model: it wraps the adapter's bare
// model (one HTTP attempt per call, no timeout of its own) in the stack
// every provider shares: [Retry] outermost, then [Limit], then [Timeout]
// per attempt, configured from spec.Transport and spec.Timeout (default
// [DefaultTimeout]). info names the provider, model, key variable and
// endpoint for error messages; its BaseURL is cleaned with [maker.RedactURL].
// With spec.Transport.Pacer set, the rate limits are the pacer's, kept
// under the model's name and endpoint.
func Open(base maker.Model, spec maker.ModelSpec, info Info) (maker.Model, error) {
	t := spec.Transport
	switch {
	case t.RPM < 0 || t.TPM < 0:
		return nil, fmt.Errorf("--rpm and --tpm must not be negative")
	case t.Retries < 0:
		return nil, fmt.Errorf("--retries must not be negative, got %d", t.Retries)
	case t.RetryWait < 0:
		return nil, fmt.Errorf("--retry-wait must not be negative, got %s", t.RetryWait)
	case spec.Timeout < 0:
		return nil, fmt.Errorf("--timeout must not be negative, got %s", spec.Timeout)
	}
	info.BaseURL = maker.RedactURL(info.BaseURL)
	limit, err := Limit(Limits{RequestsPerMinute: t.RPM, TokensPerMinute: t.TPM, Pacer: t.Pacer, Key: paceKey(spec, info)})
	if err != nil {
		return nil, err
	}
	timeout := spec.Timeout
	if timeout == 0 {
		timeout = defaultTimeout
	}
	return Wrap(base, Retry(RetryConfig{MaxRetries: t.Retries, Initial: t.RetryWait}), limit, Timeout(timeout, info)), nil
}

// paceKey names a model's budget in a shared [maker.Pacer]: the model's
// full name and its endpoint, so that two models, or one model behind two
// endpoints, do not share a quota. The endpoint is taken as
// [maker.RedactURL] cleans it, so no credential is stored with the budget;
// nor is the API key part of the name, so two accounts on one endpoint
// share a budget, which errs on the safe side.
func paceKey(spec maker.ModelSpec, info Info) string {
	return spec.Name + " " + maker.RedactURL(info.BaseURL)
}

// APIKey is the one way an adapter reads its key: from the variable
// spec.APIKeyEnv names, or else from the first of envs that is set. It
// returns the key and the variable's name, and registers the key with
// [AddSecret] so that no error text can show it. A missing key is an error
// naming the variables, unless optional is set (local servers) and no
// variable was named on purpose. The key itself never appears in an error.
func APIKey(spec maker.ModelSpec, optional bool, envs ...string) (key, env string, err error) {
	if spec.APIKeyEnv != "" {
		envs, optional = []string{spec.APIKeyEnv}, false // a variable named on purpose must be set
	}
	if len(envs) == 0 {
		return "", "", nil
	}
	for _, e := range envs {
		if k := strings.TrimSpace(os.Getenv(e)); k != "" {
			AddSecret(k)
			return k, e, nil
		}
	}
	env = strings.Join(envs, " or ")
	if optional {
		return "", env, nil
	}
	return "", env, fmt.Errorf("model %s: no API key: set the environment variable %s (or name another one with --api-key-env)", spec.Name, env)
}
