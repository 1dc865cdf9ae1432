package main

import (
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/maker-go/maker/internal/pgtest"
)

// scratchDir is the test binary's scratch directory, removed when it ends.
var scratchDir string

// TestMain points the default journal at a scratch directory, so
// that commands the tests run in-process never write into the user's own
// data directory.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "maker-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	scratchDir = dir
	os.Setenv("XDG_DATA_HOME", dir+"/data")
	os.Unsetenv(dbEnv)
	code := pgtest.Main(m) // a PostgreSQL cluster for the journal's tests, when one can start
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestEveryCommandHasAGroup keeps maker --help grouped: a command added to
// newRoot without a group would fall into an "Additional Commands" list.
func TestEveryCommandHasAGroup(t *testing.T) {
	root := newRoot(io.Discard, io.Discard)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.GroupID == "" {
			t.Errorf("command %q has no group", c.Name())
		}
	}
}
