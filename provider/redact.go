package provider

import "github.com/maker-go/maker"

// AddSecret registers a value that [Redact] must hide. [APIKey] does it for
// every key it returns. It is [maker.AddSecret]: one registry serves every
// text maker shows or stores.
func AddSecret(s string) { maker.AddSecret(s) }

// Redact replaces every registered secret and every secret environment
// variable's value in s with "[redacted]", and the credentials of every
// URL in it, as [maker.Redact] does. Error texts pass through it, so a key
// that a server echoes back, or that a provider puts in a URL, never
// reaches a log, a summary or a terminal.
func Redact(s string) string { return maker.Redact(s) }
