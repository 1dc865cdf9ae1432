package provider

import (
	"strings"
	"sync"
)

// secrets are the API keys read through [APIKey] in this process. Error
// texts pass through [Redact], so a key that a server echoes back, or that
// a provider puts in a URL, never reaches a log, a summary or a terminal.
var secrets struct {
	mu   sync.RWMutex
	keys map[string]bool
}

// minSecret is the shortest value treated as a secret: replacing shorter
// strings would mangle ordinary text.
const minSecret = 8

// AddSecret registers a value that [Redact] must hide. [APIKey] does it for
// every key it returns.
func AddSecret(s string) {
	if len(s) < minSecret {
		return
	}
	secrets.mu.Lock()
	defer secrets.mu.Unlock()
	if secrets.keys == nil {
		secrets.keys = map[string]bool{}
	}
	secrets.keys[s] = true
}

// Redact replaces every registered secret in s with "[redacted]".
func Redact(s string) string {
	secrets.mu.RLock()
	defer secrets.mu.RUnlock()
	for k := range secrets.keys {
		if strings.Contains(s, k) {
			s = strings.ReplaceAll(s, k, "[redacted]")
		}
	}
	return s
}
