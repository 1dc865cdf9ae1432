package taskfile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestClientFilesTravelWithTheTask: a client's task file (NoFiles) reads
// its data files from those sent with it (Options.Files), hashed as the
// files themselves are, and looks nothing up on the server.
func TestClientFilesTravelWithTheTask(t *testing.T) {
	data := "n\n1\n2\n3\n"
	text := fmt.Sprintf(sumTask, "{file: data.csv}")
	// Nothing named data.csv exists beside the task file on this side.
	name := filepath.Join(t.TempDir(), "task.yaml")
	task, err := ParseWith(name, text, Options{NoFiles: true, NoExecute: true, Files: map[string][]byte{"data.csv": []byte(data)}})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(data))
	if got := task.DataFiles()["data.csv"]; got != hex.EncodeToString(sum[:]) {
		t.Fatalf("data.csv hashed %q, want the file's SHA-256", got)
	}
	if task.Steps() != 3 {
		t.Fatalf("%d steps, want one a record", task.Steps())
	}
	if p := task.Prompt("0", "", 2); !strings.Contains(p.User, "add 3") {
		t.Fatalf("the third step's prompt: %q", p.User)
	}
	// On the command line the same file is read beside the task file, and
	// the names are those a client sends.
	dir := writeFiles(t, map[string]string{"data.csv": data})
	local, err := ParseWith(filepath.Join(dir, "task.yaml"), text, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := local.DataPaths(); got["data.csv"] != filepath.Join(dir, "data.csv") {
		t.Fatalf("DataPaths %v", got)
	}
	if local.DataFiles()["data.csv"] != task.DataFiles()["data.csv"] {
		t.Fatal("the sent file and the file on disk hash differently")
	}
}

// TestAllowDirsConfinePaths: with Options.AllowDirs a client's task file
// may name files and programs inside those directories, and nothing
// outside them (absolute, up with .., a symbolic link out, a program from
// PATH). A refusal names the field and the side the path was looked up
// on, and shows no byte of the file named.
func TestAllowDirsConfinePaths(t *testing.T) {
	const mark = "planted-secret"
	dir := t.TempDir()
	allowed := filepath.Join(dir, "allowed")
	secret := filepath.Join(dir, "secret.csv")
	if err := os.MkdirAll(filepath.Join(allowed, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		secret:                                 "n," + mark + "\n1," + mark + "\n",
		filepath.Join(allowed, "data.csv"):     "n\n1\n2\n",
		filepath.Join(allowed, "act.sh"):       "#!/bin/sh\necho 1\n",
		filepath.Join(dir, "outside.sh"):       "#!/bin/sh\necho " + mark + "\n",
		filepath.Join(allowed, "sub", "x.csv"): "n\n5\n",
	} {
		if err := os.WriteFile(name, []byte(text), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"out.csv": secret, "in.csv": filepath.Join(allowed, "data.csv"), "out.sh": filepath.Join(dir, "outside.sh")} {
		if err := os.Symlink(target, filepath.Join(allowed, link)); err != nil {
			t.Fatal(err)
		}
	}
	real, err := AllowDir(allowed)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{NoFiles: true, AllowDirs: []string{real}}
	withInputs := func(inputs string) string {
		return strings.Replace(fmt.Sprintf(sumTask, inputs), "add {{.Input.n}}", "add {{.Input.nope}}", 1)
	}
	program := func(prog string) string {
		return fmt.Sprintf(sumTask, "[{n: 1}]") + "execute: {command: [" + prog + "]}\n"
	}
	refused := []struct{ name, text, field string }{
		{"absolute", withInputs("{file: " + secret + ", format: csv}"), "inputs"},
		{"dotdot", withInputs("../secret.csv"), "inputs"},
		{"dotdot through a subdirectory", withInputs("sub/../../secret.csv"), "inputs"},
		{"symlink out", withInputs("out.csv"), "inputs"},
		{"expected file", fmt.Sprintf(sumTask, "[{n: 1}]") + "expected_file: ../secret.csv\n", "expected_file"},
		{"program outside", program("../outside.sh"), "execute.command[0]"},
		{"program through a symlink out", program("./out.sh"), "execute.command[0]"},
		{"program from PATH", program("sh"), "execute.command[0]"},
		{"dir outside", fmt.Sprintf(sumTask, "[{n: 1}]") + "execute: {command: [./act.sh], dir: ..}\n", "execute.dir"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseWith(filepath.Join(allowed, "task.yaml"), tc.text, opts)
			if err == nil || !strings.Contains(err.Error(), " "+tc.field+": ") || !strings.Contains(err.Error(), "on the server") ||
				!strings.Contains(err.Error(), "not allowed") || strings.Contains(err.Error(), mark) {
				t.Fatalf("got %v, want a refusal on %s that says it was looked up on the server", err, tc.field)
			}
		})
	}
	accepted := []struct{ name, text string }{
		{"beside the task", fmt.Sprintf(sumTask, "data.csv")},
		{"absolute inside", fmt.Sprintf(sumTask, filepath.Join(allowed, "data.csv"))},
		{"subdirectory", fmt.Sprintf(sumTask, "sub/x.csv")},
		{"symlink inside", fmt.Sprintf(sumTask, "in.csv")},
		{"program inside", program("./act.sh")},
	}
	for _, tc := range accepted {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseWith(filepath.Join(allowed, "task.yaml"), tc.text, opts); err != nil {
				t.Fatal(err)
			}
		})
	}
	// A program from PATH is taken when its directory is allowed.
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	if sh, err = filepath.EvalSymlinks(sh); err != nil {
		t.Fatal(err)
	}
	withSh := Options{NoFiles: true, AllowDirs: []string{real, filepath.Dir(sh)}}
	if _, err := ParseWith(filepath.Join(allowed, "task.yaml"), program("sh"), withSh); err != nil {
		t.Fatal(err)
	}
	if _, err := AllowDir(filepath.Join(allowed, "data.csv")); err == nil {
		t.Fatal("AllowDir took a file")
	}
}
