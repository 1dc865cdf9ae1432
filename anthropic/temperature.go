package anthropic

import (
	"regexp"
	"strings"
)

// temperatureModels are the models that still accept a temperature other
// than the default. Anthropic deprecated the parameter for every model
// released after Claude Opus 4.6: those answer a request that sets it with
// HTTP 400 ("temperature is deprecated for this model"). The rule is an allow
// list, not a block list, because every new model so far has joined the
// rejecting side; a name it does not know gets no temperature rather than a
// failed run. Each entry also matches its dated snapshots
// ("claude-haiku-4-5-20251001") and "-latest".
var temperatureModels = []string{
	"claude-opus-4-0", "claude-opus-4-20250514",
	"claude-opus-4-1",
	"claude-opus-4-5",
	"claude-opus-4-6", // the last model that accepts it
	"claude-sonnet-4-0", "claude-sonnet-4-20250514",
	"claude-sonnet-4-5",
	"claude-haiku-4-5",
}

// snapshotSuffix is what may follow a model's base name: a date or "latest";
// snapshotTail finds it at the end of a name.
var (
	snapshotSuffix = regexp.MustCompile(`^-(\d{8}|latest)$`)
	snapshotTail   = regexp.MustCompile(`-(\d{8}|latest)$`)
)

// AcceptsTemperature reports whether the model (without the "anthropic/"
// prefix) accepts a temperature other than the default. It is true for the
// Claude 3 family and for the Claude 4 models up to Opus 4.6 (Opus 4, 4.1,
// 4.5, 4.6, Sonnet 4 and 4.5, Haiku 4.5), and false for everything released
// after Opus 4.6 (Sonnet 4.6, Opus 4.7 and 4.8, the Claude 5 generation) and
// for names it does not know.
//
// On a model that does not accept it the request carries no temperature and
// the API samples at its default of 1.0: the first vote of a step is then not
// a near-greedy best guess but an independent draw like every other vote.
// Option "temperature" (auto, send, omit) overrides this rule.
func AcceptsTemperature(model string) bool {
	if strings.HasPrefix(model, "claude-3-") {
		return true
	}
	for _, base := range temperatureModels {
		if rest, ok := strings.CutPrefix(model, base); ok && (rest == "" || snapshotSuffix.MatchString(rest)) {
			return true
		}
	}
	return false
}
