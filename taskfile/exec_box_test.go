package taskfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

// boxTask is a one-step acting task; %s is the rest of its execute mapping.
const boxTask = `name: box
system: Do the step.
user: "State {{.State}}"
initial: "0"
answer:
  regex: '^do (?P<action>[0-9]+) -> (?P<state>.+)$'
  template: "do {{.Action}} -> {{.State}}"
done:
  steps: 1
execute: {command: [./act.sh]%s}
`

// boxed writes the program, loads the task with extra execute fields and
// runs its first action in a directory of the test's.
func boxed(t *testing.T, script, fields string) (next, dir string, err error) {
	t.Helper()
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "act.sh"), []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	task, perr := Parse(filepath.Join(dir, "task.yaml"), fmt.Sprintf(boxTask, fields))
	if perr != nil {
		t.Fatal(perr)
	}
	a := task.Acting()
	a.SetWorkDir(dir)
	next, err = a.Execute(context.Background(), "0", maker.Candidate[string]{Action: "1", State: "1"})
	return next, dir, err
}

// TestActingEnvironmentIsAllowListed: an action sees only the base
// variables and those execute.env names or sets, never a provider's key, a
// MAKER_* variable or anything else of maker's environment.
func TestActingEnvironmentIsAllowListed(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "sk-test-0123456789abcdef")
	t.Setenv("MAKER_TOKEN", "maker-token-0123456789")
	t.Setenv("MAKER_DB", "postgres://u:pw@127.0.0.1/j")
	t.Setenv("UNLISTED", "should-not-pass")
	t.Setenv("GREETING", "hello")
	next, dir, err := boxed(t, `env > env.txt; echo 1`+"\n", `, env: [GREETING, "MODE=fast", ABSENT]`)
	if err != nil || next != "1" {
		t.Fatalf("next %q, error %v", next, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "env.txt"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		k, v, _ := strings.Cut(l, "=")
		env[k] = v
	}
	if env["GREETING"] != "hello" || env["MODE"] != "fast" || env["PATH"] == "" {
		t.Errorf("the action's environment lacks a variable it was given:\n%s", b)
	}
	for name := range env {
		if !contains(append([]string{"GREETING", "MODE", "PWD", "OLDPWD", "SHLVL", "_"}, baseEnv...), name) {
			t.Errorf("the action was given %s", name)
		}
	}
	if _, ok := env["ABSENT"]; ok {
		t.Error("a named variable that maker does not have reached the action")
	}
}

// TestActingEnvironmentFieldErrors: execute.env refuses a secret of maker's
// by name, and the execute mapping refuses fields it does not know.
func TestActingEnvironmentFieldErrors(t *testing.T) {
	tests := []struct{ name, fields, want string }{
		{"provider key", `, env: [OPENAI_API_KEY]`, "task.yaml:10: execute.env[0]: OPENAI_API_KEY "},
		{"any key variable", `, env: [PATH, MY_SERVICE_TOKEN]`, "task.yaml:10: execute.env[1]: MY_SERVICE_TOKEN "},
		{"maker variable", `, env: [MAKER_DB]`, "task.yaml:10: execute.env[0]: MAKER_DB "},
		{"maker variable set", `, env: ["MAKER_SCRATCH=/tmp"]`, "task.yaml:10: execute.env[0]: MAKER_SCRATCH "},
		{"bad name", `, env: ["1X=2"]`, "task.yaml:10: execute.env[0]: "},
		{"named twice", `, env: [A, "A=1"]`, "task.yaml:10: execute.env[1]: A "},
		{"not a list", `, env: A`, "task.yaml:10: execute.env: "},
		{"unknown field", `, environment: [A]`, "task.yaml:10: execute.environment: unknown field"},
		{"dir missing", `, dir: ./nowhere`, "task.yaml:10: execute.dir: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "act.sh"), []byte("#!/bin/sh\necho 1\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			_, err := Parse(filepath.Join(dir, "task.yaml"), fmt.Sprintf(boxTask, tc.fields))
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want one line with %q", err, tc.want)
			}
		})
	}
}

// TestActingRedactsKeys: a key's value that an action prints (it may have
// read it from a file) never reaches the next state or an error.
func TestActingRedactsKeys(t *testing.T) {
	const key = "sk-test-0123456789abcdef"
	t.Setenv("OPENAI_API_KEY", key)
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	next, _, err := boxed(t, fmt.Sprintf("echo \"state $(cat %q)\"\n", keyFile), "")
	if err != nil || strings.Contains(next, key) || next != "state [redacted]" {
		t.Errorf("next state %q, error %v: want the key redacted", next, err)
	}
	_, _, err = boxed(t, fmt.Sprintf("echo \"cannot use $(cat %q)\" >&2; exit 1\n", keyFile), "")
	if err == nil || strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "cannot use [redacted]") {
		t.Errorf("error %v: want the key redacted", err)
	}
}

// TestActingOutputCap: an action that prints far more than the cap on a
// next state is refused with an error naming the cap, and maker does not
// hold what it printed.
func TestActingOutputCap(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := boxed(t, "head -c 20971520 /dev/zero | tr '\\0' x\n", ", timeout: 60s")
	runtime.ReadMemStats(&after)
	var ee *ExecError
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "more than 1 MiB") {
		t.Fatalf("error %v, want an ExecError naming the 1 MiB cap", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
		t.Errorf("reading the action's output allocated %d MiB", grew>>20)
	}
}

// TestActingStderrBounded: an action's stderr is kept only as a short tail.
func TestActingStderrBounded(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := boxed(t, "head -c 20971520 /dev/zero | tr '\\0' y >&2; echo the end >&2; exit 1\n", ", timeout: 60s")
	runtime.ReadMemStats(&after)
	if err == nil || !strings.HasSuffix(err.Error(), "ythe end") || len(err.Error()) > 700 {
		t.Fatalf("error %.200q..., want the tail of stderr", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
		t.Errorf("reading the action's stderr allocated %d MiB", grew>>20)
	}
}

// TestActingWorkDir: an action runs in execute.dir (taken from the task
// file's directory) when the file names one, else in the directory the
// caller gave the run.
func TestActingWorkDir(t *testing.T) {
	next, dir, err := boxed(t, "pwd -P\n", "")
	if want, _ := filepath.EvalSymlinks(dir); err != nil || next != want {
		t.Errorf("ran in %q (%v), want %q", next, err, want)
	}
	dir = t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "world"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "act.sh"), []byte("#!/bin/sh\npwd -P\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	task, err := Parse(filepath.Join(dir, "task.yaml"), fmt.Sprintf(boxTask, ", dir: world"))
	if err != nil {
		t.Fatal(err)
	}
	a := task.Acting()
	if a.Dir() == "" {
		t.Error("Dir() is empty for a file with execute.dir")
	}
	a.SetWorkDir(t.TempDir()) // the file's own directory wins
	next, err = a.Execute(context.Background(), "0", maker.Candidate[string]{Action: "1"})
	if want, _ := filepath.EvalSymlinks(filepath.Join(dir, "world")); err != nil || next != want {
		t.Errorf("ran in %q (%v), want %q", next, err, want)
	}
}
