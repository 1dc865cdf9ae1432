package main

import (
	"regexp"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/maker-go/maker"
)

// The journal's older configuration format, written here only to build
// journals of that format for the tests that resume them.

// sessionFlags are the flags that belong to one invocation, not to the run:
// they are not journaled, and resume takes them from its own command line.
var sessionFlags = map[string]bool{"json": true, "quiet": true, "db": true, "no-journal": true, "keep-samples": true, "events": true, "help": true}

// secretFlag matches flag names that could hold a credential; they are
// never journaled. --api-key-env names a variable and is kept.
var secretFlag = regexp.MustCompile(`(?i)(api-?key|secret|password|passwd|token-value|bearer|auth)`)

// newStoredConfig writes the flags of fs in the older format.
func newStoredConfig(fs *pflag.FlagSet, k int) storedConfig {
	c := storedConfig{K: k, Flags: map[string]string{}}
	fs.VisitAll(func(fl *pflag.Flag) {
		if sessionFlags[fl.Name] || (secretFlag.MatchString(fl.Name) && fl.Name != "api-key-env") {
			return
		}
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			if c.Slices == nil {
				c.Slices = map[string][]string{}
			}
			c.Slices[fl.Name] = sv.GetSlice()
			return
		}
		c.Flags[fl.Name] = maker.RedactURL(fl.Value.String()) // --base-url credentials
	})
	c.Flags["k"] = strconv.Itoa(k)
	return c
}
