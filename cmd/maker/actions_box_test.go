package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/provider"
)

// boxTaskFile is a one-step acting task whose program records its
// environment beside itself and prints its next state; %s is the program's
// last line.
const boxTaskFile = `name: box
system: Do the step.
user: "State {{.State}}"
initial: "0"
answer:
  regex: '^do (?P<action>[0-9]+) -> (?P<state>.+)$'
  template: "do {{.Action}} -> {{.State}}"
done:
  steps: 1
execute:
  command: [./act.sh]
  env: [GREETING]
expected:
  - {action: "1", state: "1"}
`

// TestActionsBox runs acting task files through the binary with keys in
// maker's environment: the program sees none of them, nor any MAKER_*
// variable, and a key's value the program prints (read from a file) is
// redacted in --json, on stderr and in the journal.
func TestActionsBox(t *testing.T) {
	bin := buildMaker(t)
	keys := map[string]string{
		"OPENAI_API_KEY":    "sk-box-openai-0123456789",
		"ANTHROPIC_API_KEY": "sk-box-anthropic-0123456789",
		"MAKER_TOKEN":       "maker-box-token-0123456789",
	}
	secretFile := filepath.Join(t.TempDir(), "leak")
	if err := os.WriteFile(secretFile, []byte(keys["OPENAI_API_KEY"]), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, last string
		code       int
		want       string // in --json
	}{
		{"state", fmt.Sprintf(`echo "done $(cat %q)"`, secretFile), 0, `"final_state":"done [redacted]"`},
		{"stderr", fmt.Sprintf(`echo "cannot use $(cat %q)" >&2; exit 1`, secretFile), 1, "cannot use [redacted]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			script := "#!/bin/sh\ncat >/dev/null\nenv > \"$(dirname \"$0\")/env.txt\"\n" + tc.last + "\n"
			if err := os.WriteFile(filepath.Join(dir, "act.sh"), []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			task := filepath.Join(dir, "task.yaml")
			if err := os.WriteFile(task, []byte(boxTaskFile), 0o644); err != nil {
				t.Fatal(err)
			}
			db := filepath.Join(dir, "j.db")
			c := makerCmd(t, bin, "run", task, "--db", db, "--json")
			c.Env = append(c.Env, "GREETING=hello", "MAKER_SCRATCH="+dir)
			for k, v := range keys {
				c.Env = append(c.Env, k+"="+v)
			}
			code, stdout, stderr := runCode(t, c)
			if code != tc.code || !strings.Contains(stdout, tc.want) {
				t.Fatalf("exit %d, want %d and %s in --json\n%s\n%s", code, tc.code, tc.want, stdout, stderr)
			}
			env, err := os.ReadFile(filepath.Join(dir, "env.txt"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(env), "GREETING=hello\n") {
				t.Errorf("the action lacks the variable its file names:\n%s", env)
			}
			for _, l := range strings.Split(string(env), "\n") {
				if strings.HasPrefix(l, "MAKER_") {
					t.Errorf("the action was given %s", l)
				}
			}
			journal := journalBytes(t, db)
			for name, v := range keys {
				if strings.Contains(string(env), v) {
					t.Errorf("the action was given %s", name)
				}
				for what, text := range map[string]string{"--json": stdout, "stderr": stderr, "the journal": journal} {
					if strings.Contains(text, v) {
						t.Errorf("%s's value reached %s", name, what)
					}
				}
			}
			if tc.code == 0 {
				var out struct {
					RunID string `json:"run_id"`
				}
				if err := json.Unmarshal([]byte(stdout), &out); err != nil {
					t.Fatal(err)
				}
				if steps := loadSteps(t, db, out.RunID); len(steps) != 1 || steps[0].State != `"done [redacted]"` {
					t.Errorf("journaled steps %+v", steps)
				}
			}
		})
	}
}

// journalBytes is everything a SQLite journal holds on disk, its
// write-ahead log included.
func journalBytes(t *testing.T, db string) string {
	t.Helper()
	var all []byte
	for _, p := range []string{db, db + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	if len(all) == 0 {
		t.Fatalf("no journal at %s", db)
	}
	return string(all)
}

// TestActionEnvRefusesProviderKeys: every registered provider's key
// variable, and the service's token, is a secret: execute.env refuses it
// and redaction hides its value.
func TestActionEnvRefusesProviderKeys(t *testing.T) {
	envs := []string{"MAKER_TOKEN"}
	for _, d := range provider.Descriptions() {
		if d.KeyEnv != "" {
			envs = append(envs, d.KeyEnv)
		}
	}
	if len(envs) < 10 {
		t.Fatalf("only %d key variables found: %v", len(envs), envs)
	}
	for _, name := range envs {
		if !maker.SecretEnv(name) {
			t.Errorf("%s is not treated as a secret", name)
		}
	}
}

// TestFilesExampleLeavesNoFiles runs the action example twice from the
// repository's root: both runs succeed, each in a directory of its own
// under maker's data directory, and the repository gains no file.
func TestFilesExampleLeavesNoFiles(t *testing.T) {
	bin := buildMaker(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	untracked := func() []string {
		t.Helper()
		c := exec.Command("git", "status", "--porcelain", "--untracked-files=all")
		c.Dir = root
		out, err := c.Output()
		if err != nil {
			t.Skipf("git status: %v", err)
		}
		var paths []string
		for _, l := range strings.Split(string(out), "\n") {
			if p, ok := strings.CutPrefix(l, "?? "); ok {
				paths = append(paths, p)
			}
		}
		return paths
	}
	before := untracked()
	data, db := t.TempDir(), filepath.Join(t.TempDir(), "j.db")
	for run := 1; run <= 2; run++ {
		c := makerCmd(t, bin, "run", "examples/yaml/files.yaml", "--db", db, "-q", "--json")
		c.Dir = root
		c.Env = append(c.Env, "XDG_DATA_HOME="+data)
		code, stdout, stderr := runCode(t, c)
		if code != 0 || !strings.Contains(stdout, `"final_state":"done.txt:4 report.txt:3 summary.txt:2"`) {
			t.Fatalf("run %d: exit %d\n%s\n%s", run, code, stdout, stderr)
		}
		var out struct {
			RunID string `json:"run_id"`
		}
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatal(err)
		}
		scratch := filepath.Join(data, "maker", "actions", out.RunID, "scratch")
		if b, err := os.ReadFile(filepath.Join(scratch, "summary.txt")); err != nil || string(b) != "line 1\nfinal\n" {
			t.Errorf("run %d: %s/summary.txt: %q, %v", run, scratch, b, err)
		}
	}
	for _, p := range untracked() {
		if !slices.Contains(before, p) {
			t.Errorf("the runs left %s in the repository", p)
		}
	}
}
