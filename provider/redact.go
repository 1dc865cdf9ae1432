package provider

import (
	"net/url"
	"regexp"
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

// Redact replaces every registered secret in s with "[redacted]", and the
// credentials of every URL in it as [RedactURL] does.
func Redact(s string) string {
	secrets.mu.RLock()
	for k := range secrets.keys {
		if strings.Contains(s, k) {
			s = strings.ReplaceAll(s, k, "[redacted]")
		}
	}
	secrets.mu.RUnlock()
	if strings.Contains(s, "://") {
		s = urlInText.ReplaceAllStringFunc(s, RedactURL)
	}
	return s
}

// urlInText finds URLs in running text, up to a space or a quote.
var urlInText = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>` + "`" + `]+`)

// secretParam matches the names of query parameters that carry
// credentials: key, api_key, apikey, token, access_token and the like.
var secretParam = regexp.MustCompile(`(?i)(^|[_-])(key|apikey|token|secret|password|sig|signature)$`)

// RedactURL returns u with its credentials replaced by "[redacted]": the
// password of its userinfo, and the value of every query parameter whose
// name is or ends in key, token, secret, password or signature. It is
// the one place an endpoint is cleaned before it is shown or stored; a
// value that does not parse as a URL comes back unchanged.
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return u
	}
	changed := false
	if p.User != nil {
		if _, has := p.User.Password(); has {
			p.User = url.UserPassword(p.User.Username(), "[redacted]")
			changed = true
		}
	}
	if p.RawQuery != "" {
		q, err := url.ParseQuery(p.RawQuery)
		if err == nil {
			for name, vs := range q {
				if secretParam.MatchString(name) {
					for i := range vs {
						vs[i] = "[redacted]"
					}
					changed = true
				}
			}
			if changed {
				p.RawQuery = q.Encode()
			}
		}
	}
	if !changed {
		return u
	}
	// url.URL.String escapes the brackets; keep the marker readable.
	return strings.NewReplacer("%5Bredacted%5D", "[redacted]").Replace(p.String())
}
