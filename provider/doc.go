// Package provider holds what every real LLM provider shares: middleware
// over [maker.Model] for retries with backoff, client-side rate limits and
// per-request timeouts; a typed [Error] that a provider fills from an HTTP
// status so the middleware can decide what to retry without knowing the
// provider; API keys read from the environment only; and prices from the
// catwalk catalog.
//
// A provider package implements the bare call (one request, no retries) as a
// [maker.Model], or a [maker.BatchModel] when the API returns several
// completions of one prompt, and opens it through [Open], which stacks the
// middleware the [maker.ModelSpec] asks for:
//
//	base := &myModel{...}           // one HTTP request per call
//	return provider.Open(base, spec) // retries, limits, timeout
//
// The stack is built like net/http middleware: each [Middleware] wraps a
// [Call], and [Wrap] turns the result back into a model that keeps the
// base's batch support, prices and simulated flag.
//
// Adapters whose SDK errors need reading case by case (anthropic, gemini)
// share one classification instead: [Caller.Classify] and [Caller.Explain]
// build a [CallError] from what a [LastResponse] saw and what the SDK's
// error says, and [OpenStack], [StackOption], [UnknownOption] and [PriceOr]
// are the parts of opening such an adapter that do not depend on it.
package provider
