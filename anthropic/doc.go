// Package anthropic adapts Claude models, through Anthropic's Messages API,
// to the [maker.Model] interface.
//
// Importing the package registers the "anthropic" provider prefix, so a run
// can name a model as "anthropic/claude-haiku-4-5":
//
//	import _ "github.com/maker-go/maker/anthropic"
//
// The key is read from ANTHROPIC_API_KEY, or from the variable that
// [maker.ModelSpec.APIKeyEnv] names; it is sent only in the request header and
// never appears in an error.
//
// Three choices are specific to this provider:
//
//   - Temperature. Models released after Claude Opus 4.6 reject any
//     temperature but the default (HTTP 400). The package sends the request's
//     temperature only to models that accept it ([AcceptsTemperature]) and
//     omits it elsewhere, so on those models every vote, the first included,
//     is drawn at the API default temperature of 1.0. Option "temperature"
//     overrides the rule.
//   - Prompt caching. The task's system prompt is the same for every step, so
//     it is marked for the ephemeral prompt cache (option "cache", on by
//     default). The API ignores the mark on prompts shorter than the model's
//     minimum cacheable length.
//   - Retries. The package makes one HTTP attempt per call and classifies a
//     failure as a [*provider.Error] (status, Retry-After, retryable or not). Retrying
//     belongs to one wrapper over [maker.Model] shared by all providers, so a
//     call is never retried twice over.
package anthropic
