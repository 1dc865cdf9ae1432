package scenario

import "math/rand/v2"

// Words are short lower-case names generators pick from: every one is a
// valid name, and they sort differently from any generation order, so a
// tie-break by name is a real choice.
var Words = []string{
	"api", "auth", "billing", "cache", "cli", "config", "core", "crypto",
	"db", "docs", "events", "feed", "gateway", "geo", "http", "i18n",
	"index", "jobs", "kv", "ledger", "log", "mail", "media", "metrics",
	"notify", "orders", "parser", "pay", "queue", "rbac", "render", "rpc",
	"search", "session", "shop", "sql", "storage", "stream", "tax", "tls",
	"trace", "ui", "upload", "users", "vault", "web", "wiki", "zip",
}

// Rand returns the generator's random source for a seed: the same seed
// gives the same instance on every platform and Go version that keeps
// math/rand/v2's PCG stable.
func Rand(seed uint64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}
