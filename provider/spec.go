package provider

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/maker-go/maker"
)

// Keys of [maker.ModelSpec.Options] that [Open] reads. The command line
// fills them from --rpm, --tpm, --retries and --retry-wait.
const (
	OptRPM       = "rpm"        // requests per minute, a number
	OptTPM       = "tpm"        // tokens per minute, a number
	OptRetries   = "retries"    // most retries of one request; 0 or less: never retry
	OptRetryWait = "retry-wait" // first backoff wait, a Go duration such as 250ms
)

// DefaultTimeout bounds one request when the spec sets none: long enough
// for a slow 750-token answer, short enough that a hung connection is
// retried rather than waited on forever.
const DefaultTimeout = 2 * time.Minute

// Open wraps a provider's bare model in the standard stack: [Retry]
// outermost, then [Limit], then [Timeout] per attempt, configured from
// spec (Timeout, default [DefaultTimeout], and Options). info names the
// provider, model, key variable and endpoint for error messages.
func Open(base maker.Model, spec maker.ModelSpec, info Info) (maker.Model, error) {
	rc, lim, err := StackConfig(spec)
	if err != nil {
		return nil, err
	}
	limit, err := Limit(lim)
	if err != nil {
		return nil, err
	}
	timeout := spec.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	return Wrap(base, Retry(rc), limit, Timeout(timeout, info)), nil
}

// StackConfig reads the retry and rate-limit settings from spec.Options.
// Unknown keys are left for the provider; malformed values are errors.
func StackConfig(spec maker.ModelSpec) (RetryConfig, Limits, error) {
	var rc RetryConfig
	var lim Limits
	num := func(key string) (float64, bool, error) {
		v, ok := spec.Options[key]
		if !ok || strings.TrimSpace(v) == "" {
			return 0, false, nil
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return 0, false, fmt.Errorf("option %s=%q: want a number", key, v)
		}
		return f, true, nil
	}
	var err error
	if lim.RequestsPerMinute, _, err = num(OptRPM); err != nil {
		return rc, lim, err
	}
	if lim.TokensPerMinute, _, err = num(OptTPM); err != nil {
		return rc, lim, err
	}
	if lim.RequestsPerMinute < 0 || lim.TokensPerMinute < 0 {
		return rc, lim, fmt.Errorf("--rpm and --tpm must not be negative")
	}
	r, set, err := num(OptRetries)
	if err != nil {
		return rc, lim, err
	}
	if set {
		rc.MaxRetries = int(r)
		if r <= 0 {
			rc.MaxRetries = -1
		}
	}
	if v := spec.Options[OptRetryWait]; v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return rc, lim, fmt.Errorf("option %s=%q: want a duration such as 250ms", OptRetryWait, v)
		}
		rc.Initial = d
	}
	if spec.Timeout < 0 {
		return rc, lim, fmt.Errorf("--timeout must not be negative, got %s", spec.Timeout)
	}
	return rc, lim, nil
}

// APIKey reads the key for a provider from the environment: from the
// variable spec.APIKeyEnv names, or else from defaultEnv. It returns the
// key and the variable's name. A provider that needs a key and finds none
// gets an error naming the variable; the key itself never appears in any
// error. With optional set (local servers) a missing key is no error.
func APIKey(spec maker.ModelSpec, defaultEnv string, optional bool) (key, env string, err error) {
	env = defaultEnv
	if spec.APIKeyEnv != "" {
		env = spec.APIKeyEnv
		optional = false // a variable named on purpose must be set
	}
	if env == "" {
		return "", "", nil
	}
	key = strings.TrimSpace(os.Getenv(env))
	AddSecret(key)
	if key == "" && !optional {
		return "", env, fmt.Errorf("model %s: no API key: set the environment variable %s (or name another one with --api-key-env)", spec.Name, env)
	}
	return key, env, nil
}
