// Package provider is the contract every real LLM provider adapter
// (openai, anthropic, gemini) keeps, and what they share: one error type,
// one way to open a model, one key reader, one registration.
//
// An adapter implements the bare call (one HTTP attempt, no retries, no
// timeout of its own) as a [maker.Model], or a [maker.BatchModel] when the
// API returns several completions of one prompt, and registers it once:
//
//	func init() { provider.Register(provider.Description{Prefix: "acme", KeyEnv: "ACME_API_KEY"}, open) }
//
//	func open(ctx context.Context, spec maker.ModelSpec) (maker.Model, error) {
//		key, env, err := provider.APIKey(spec, false, "ACME_API_KEY") // registered for redaction
//		...
//		return provider.Open(bare, spec, provider.Info{Provider: "acme", Model: name, KeyEnv: env, BaseURL: url})
//	}
//
// [Open] stacks the shared middleware the spec's [maker.Transport] asks
// for: retries with backoff that honour Retry-After, client-side rate
// limits, and a per-attempt timeout ([DefaultTimeout] unless the spec sets
// one). The stack is built like net/http middleware: each [Middleware]
// wraps a [Call], and [Wrap] turns the result back into a model that keeps
// the base's batch support, prices and simulated flag.
//
// Every failure an adapter returns is an [*Error], built with [HTTPError]
// or [TransportError] from a status, or with [Classify] and [Error.Explain]
// when the SDK's errors need reading case by case; [Retry] decides from its
// Retryable field alone. Under its SDK every adapter puts [LimitBody], so no
// response body can grow past [BodyLimit], and it checks the usage a server
// reports with [CheckUsage]. Error texts pass through [Redact], which hides
// every key [APIKey] read and the credentials of any URL ([maker.RedactURL]).
//
// The conformance suite in internal/providertest runs the same checks
// against every adapter; docs/adding-a-provider.md walks through writing one.
package provider
