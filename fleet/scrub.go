package fleet

import "strings"

// scrub is an error's text on one line with the password cut out.
func scrub(err error, secret string) string {
	msg := err.Error()
	if secret != "" {
		msg = strings.ReplaceAll(msg, secret, "[redacted]")
	}
	return strings.ReplaceAll(strings.ReplaceAll(msg, ":\n\t", ": "), "\n\t", "; ")
}
