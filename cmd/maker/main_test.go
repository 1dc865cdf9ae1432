package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/maker-go/maker/internal/pgtest"
	"github.com/maker-go/maker/runs"
)

// TestMain points the default journal at a scratch directory, so
// that commands the tests run in-process never write into the user's own
// data directory. The test binary is also the maker command: testscript
// copies it under that name into a directory it puts first on PATH, and run
// as maker it is maker's own main. The scripts in testdata/script and the
// tests that run a process (buildMaker) run that command.
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
	os.Setenv("XDG_DATA_HOME", dir+"/data")
	os.Unsetenv(runs.DBEnv)
	widenParallel()
	code := pgtest.Main(p.m) // a PostgreSQL cluster for the journal's tests, when one can start
	os.RemoveAll(dir)
	return code
}

// e2eParallel is how many parallel tests run at once unless -parallel says.
const e2eParallel = 4

// widenParallel lets e2eParallel parallel tests run at once when the
// command line does not set -parallel. go test's default is GOMAXPROCS (2
// on a 2-core machine), which suits tests that compute; this package's
// parallel tests mostly wait, on maker processes, services and simulated
// latency, and with two at a time its run took minutes more.
func widenParallel() {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set && runtime.GOMAXPROCS(0) < e2eParallel {
		flag.Set("test.parallel", strconv.Itoa(e2eParallel))
	}
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
