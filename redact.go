package maker

import (
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
)

// secretParam matches the names of query parameters that carry
// credentials: key, api_key, apikey, token, access_token and the like.
var secretParam = regexp.MustCompile(`(?i)(^|[_-])(key|apikey|token|secret|password|sig|signature)$`)

// RedactURL returns u with its credentials replaced by "[redacted]": the
// password of its userinfo, and the value of every query parameter whose
// name is or ends in key, token, secret, password or signature. It is
// the one place an endpoint or a journal location is cleaned before it
// is shown or stored; a
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

// secrets are the values [Redact] hides beside those of the environment's
// secret variables: the keys read in this process (a key may come from a
// variable of any name, or from a configuration), registered by
// [AddSecret].
var secrets struct {
	mu   sync.RWMutex
	keys map[string]bool
}

// minSecret is the shortest value treated as a secret: replacing shorter
// strings would mangle ordinary text.
const minSecret = 8

// secretEnv matches the names of environment variables whose values are
// credentials: every provider's key variable (OPENAI_API_KEY,
// ANTHROPIC_API_KEY, GEMINI_API_KEY, ...), MAKER_TOKEN, and any other
// *_KEY, *_TOKEN, *_SECRET, *_CREDENTIALS or *PASSWORD.
var secretEnv = regexp.MustCompile(`(?i)((^|_)(KEY|APIKEY|TOKEN|SECRET|CREDENTIALS?)|PASSWORD|PASSWD)$`)

// SecretEnv reports whether the environment variable name holds a
// credential: [Redact] hides its value, and a task file's action program
// is never given it.
func SecretEnv(name string) bool { return secretEnv.MatchString(name) }

// AddSecret registers a value that [Redact] must hide; provider adapters
// register every key they read.
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

// Redact replaces in s, with "[redacted]", every value registered with
// [AddSecret], the value of every environment variable [SecretEnv] names,
// and the credentials of every URL as [RedactURL] does. It is the one
// cleaning of text that comes from outside (a provider's error, what an
// action program prints) before it is shown or stored; the environment is
// read on each call, so a key set after start is hidden too.
func Redact(s string) string {
	if s == "" {
		return s
	}
	secrets.mu.RLock()
	for k := range secrets.keys {
		if strings.Contains(s, k) {
			s = strings.ReplaceAll(s, k, "[redacted]")
		}
	}
	secrets.mu.RUnlock()
	for _, kv := range os.Environ() {
		name, v, _ := strings.Cut(kv, "=")
		if v = strings.TrimSpace(v); len(v) >= minSecret && strings.Contains(s, v) && SecretEnv(name) {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	if strings.Contains(s, "://") {
		s = urlInText.ReplaceAllStringFunc(s, RedactURL)
	}
	return s
}

// urlInText finds URLs in running text, up to a space or a quote.
var urlInText = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>` + "`" + `]+`)
