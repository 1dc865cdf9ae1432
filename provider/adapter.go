package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/maker-go/maker"
)

// StackOption reports whether key is one of the [maker.ModelSpec.Options]
// that [Open] reads for the shared retry and rate-limit stack (the command
// line always sets them), so that a provider's own option parsing can leave
// it alone instead of calling it unknown.
func StackOption(key string) bool {
	switch key {
	case OptRPM, OptTPM, OptRetries, OptRetryWait:
		return true
	}
	return false
}

// UnknownOption is the error for an option key that provider prefix does not
// know; it lists the known ones (the keys of known), sorted, so that the
// user sees the fix.
func UnknownOption(prefix, key string, known map[string]string) error {
	names := make([]string, 0, len(known))
	for o := range known {
		names = append(names, o)
	}
	sort.Strings(names)
	return fmt.Errorf("%s: unknown option %q (known: %s)", prefix, key, strings.Join(names, ", "))
}

// PriceOr is the pricing of model from the provider's own list (own), or
// else from the shared catalog under prefix; zero when neither knows it.
func PriceOr(prefix, model string, own func(model string) (maker.Pricing, bool)) maker.Pricing {
	if p, ok := own(model); ok {
		return p
	}
	p, _ := Price(prefix, model)
	return p
}

// OpenStack opens the model spec names with the stack every provider
// shares (see [Open]): openBare opens the bare model with no timeout of its
// own, because the stack times each attempt, and keyEnv names the variable
// the bare model read its key from, for error messages.
func OpenStack[M maker.Model](ctx context.Context, spec maker.ModelSpec, prefix string,
	openBare func(context.Context, maker.ModelSpec) (M, error), keyEnv func(M) string) (maker.Model, error) {
	bare := spec
	bare.Timeout = 0 // the shared stack times each attempt
	m, err := openBare(ctx, bare)
	if err != nil {
		return nil, err
	}
	_, model, _ := spec.Split()
	return Open(m, spec, Info{Provider: prefix, Model: model, KeyEnv: keyEnv(m), BaseURL: spec.BaseURL})
}
