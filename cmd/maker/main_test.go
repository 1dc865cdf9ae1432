package main

import (
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/maker-go/maker/internal/pgtest"
	"github.com/rogpeppe/go-internal/testscript"
)

// scratchDir is the test binary's scratch directory, removed when it ends.
var scratchDir string

// TestMain points the default journal at a scratch directory, so
// that commands the tests run in-process never write into the user's own
// data directory. The test binary is also the maker command of the
// scripts in testdata/script (see TestScripts): run under that name, it is
// maker's own main.
func TestMain(m *testing.M) {
	testscript.Main(packageTests{m}, map[string]func(){"maker": main})
}

// packageTests runs the package's tests around the scratch directory and
// the PostgreSQL cluster they share.
type packageTests struct{ m *testing.M }

func (p packageTests) Run() int {
	dir, err := os.MkdirTemp("", "maker-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	scratchDir = dir
	os.Setenv("XDG_DATA_HOME", dir+"/data")
	os.Unsetenv(dbEnv)
	code := pgtest.Main(p.m) // a PostgreSQL cluster for the journal's tests, when one can start
	os.RemoveAll(dir)
	return code
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
