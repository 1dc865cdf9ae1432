package main

import (
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestScripts runs the command-line scripts in testdata/script, each in a
// directory of its own and in parallel with the others, the way Go's own
// cmd/go is tested. maker in a script is this test binary run as maker
// (see TestMain), so a script needs no build of its own. Each script's
// journal and data directory are under its work directory.
//
// Beyond testscript's own commands, a script has two:
//
//	exits CODE command [args...]
//
// runs the command, keeps its stdout and stderr for the stdout and stderr
// commands that follow, and fails unless it exited with CODE (maker's exit
// codes mean different things: 1 a failed run, 2 a usage error, 3 a
// budget, 4 output not written, 130 an interruption);
//
//	json stdout|stderr|FILE
//
// fails unless the output or file is one JSON value.
//
// go test ./cmd/maker -run TestScripts/NAME runs one script;
// -testwork keeps the work directories.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(e *testscript.Env) error {
			e.Setenv("XDG_DATA_HOME", filepath.Join(e.WorkDir, "data"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": exitsCmd,
			"json":  jsonCmd,
		},
	})
}

// exitsCmd is the script command exits CODE command [args...].
func exitsCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: CODE %q is not a number", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			ts.Fatalf("exits: %v", err)
		}
		got = exit.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// jsonCmd is the script command json stdout|stderr|FILE.
func jsonCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: json stdout|stderr|FILE")
	}
	var v any
	if err := json.Unmarshal([]byte(ts.ReadFile(args[0])), &v); err != nil {
		ts.Fatalf("%s is not one JSON value: %v", args[0], err)
	}
}
