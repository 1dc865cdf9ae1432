package provider

import (
	"regexp"
	"strings"
	"sync"

	"github.com/maker-go/maker"
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

// Redact replaces every registered secret in s with "[redacted]", and the
// credentials of every URL in it as [maker.RedactURL] does.
func Redact(s string) string {
	secrets.mu.RLock()
	for k := range secrets.keys {
		if strings.Contains(s, k) {
			s = strings.ReplaceAll(s, k, "[redacted]")
		}
	}
	secrets.mu.RUnlock()
	if strings.Contains(s, "://") {
		s = urlInText.ReplaceAllStringFunc(s, maker.RedactURL)
	}
	return s
}

// urlInText finds URLs in running text, up to a space or a quote.
var urlInText = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>` + "`" + `]+`)
