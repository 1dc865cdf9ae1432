package maker

import (
	"net/url"
	"regexp"
	"strings"
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
