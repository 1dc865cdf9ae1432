package runs

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"testing"

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

// TestStoredConfig checks that the journaled flags rebuild the run's flags
// and hold no credential.
func TestStoredConfig(t *testing.T) {
	fs := pflag.NewFlagSet("hanoi", pflag.ContinueOnError)
	new(Flags).Register(fs)
	args := []string{"--seed", "42", "--sim-error", "0.01", "--base-url", "https://me:s3cret@example.test/v1", "--api-key-env", "MY_KEY", "--json", "--db", "x.db"}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	stored := newStoredConfig(fs, 4)
	b, err := json.Marshal(stored)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("s3cret")) {
		t.Errorf("the journaled config holds a password: %s", b)
	}
	for _, name := range []string{"json", "db"} {
		if _, ok := stored.Flags[name]; ok {
			t.Errorf("session flag --%s was journaled", name)
		}
	}
	var back storedConfig
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	g, err := back.flags()
	if err != nil {
		t.Fatal(err)
	}
	if g.seed != 42 || g.simError != 0.01 || g.k != "4" || g.apiKeyEnv != "MY_KEY" || g.baseURL != "https://me:[redacted]@example.test/v1" || g.jsonOut {
		t.Errorf("rebuilt flags: seed %d, sim-error %g, k %s, api-key-env %s, base-url %s, json %v", g.seed, g.simError, g.k, g.apiKeyEnv, g.baseURL, g.jsonOut)
	}
}
