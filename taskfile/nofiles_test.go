package taskfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoFilesRefusesEveryPath: with Options.NoFiles a task file may name no
// file (absolute, up with .., through a link, as expected answers, as a
// schema's $ref), and with NoExecute no program. The error names the field
// and shows no byte of the file named.
func TestNoFilesRefusesEveryPath(t *testing.T) {
	const mark = "planted-secret"
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.csv")
	schema := filepath.Join(dir, "schema.json")
	tasks := filepath.Join(dir, "tasks")
	if err := os.Mkdir(tasks, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{secret: "user," + mark + "\nu1," + mark + "\n", schema: `{"const": "` + mark + `"}`} {
		if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(secret, filepath.Join(tasks, "link.csv")); err != nil {
		t.Fatal(err)
	}
	withInputs := func(inputs string) string {
		return strings.Replace(fmt.Sprintf(sumTask, inputs), "add {{.Input.n}}", "add {{.Input.nope}}", 1)
	}
	jsonSchema := func(s string) string {
		return strings.Replace(base, "answer:\n  regex: '^next: (?P<action>inc) (?P<state>[0-9]+)$'\n  template: \"next: {{.Action}} {{.State}}\"\n", "answer:\n  json:\n    schema: "+s+"\n", 1)
	}
	tests := []struct {
		name, text, field string
	}{
		{"absolute", withInputs("{file: " + secret + ", format: csv}"), "inputs"},
		{"dotdot", withInputs("../secret.csv"), "inputs"},
		{"symlink out", withInputs("link.csv"), "inputs"},
		{"beside the task", withInputs("data.csv"), "inputs"},
		{"expected file", fmt.Sprintf(sumTask, "[{n: 1}]") + "expected_file: ../secret.csv\n", "expected_file"},
		{"schema ref absolute", jsonSchema(`{$ref: "file://` + schema + `"}`), "answer.json.schema"},
		{"schema ref relative", jsonSchema(`{$ref: "schema.json"}`), "answer.json.schema"},
		{"program with a slash", fmt.Sprintf(sumTask, "[{n: 1}]") + "execute: {command: [../secret.csv]}\n", "execute"},
		{"program from PATH", fmt.Sprintf(sumTask, "[{n: 1}]") + "execute: {command: [sh]}\n", "execute"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseWith(filepath.Join(tasks, "task.yaml"), tc.text, Options{NoFiles: true, NoExecute: true})
			if err == nil || !strings.Contains(err.Error(), " "+tc.field+": ") || !strings.Contains(err.Error(), "not allowed") || strings.Contains(err.Error(), mark) {
				t.Fatalf("got %v, want a refusal on %s", err, tc.field)
			}
		})
	}
	// What names no file is accepted: inline inputs, expected answers in
	// the file, a schema whole.
	for _, text := range []string{fmt.Sprintf(sumTask, "[{n: 1}, {n: 2}]"), base, jsonSchema("{type: object}")} {
		if _, err := ParseWith(filepath.Join(tasks, "task.yaml"), text, Options{NoFiles: true, NoExecute: true}); err != nil {
			t.Errorf("refused: %v", err)
		}
	}
	// Without NoExecute, a program is looked up, and taken only from an
	// allowed directory (see TestAllowDirsConfinePaths).
	_, err := ParseWith(filepath.Join(tasks, "task.yaml"), fmt.Sprintf(sumTask, "[{n: 1}]")+"execute: {command: [sh]}\n", Options{NoFiles: true})
	if err == nil || !strings.Contains(err.Error(), "execute.command[0]: ") || !strings.Contains(err.Error(), "--allow-dir") {
		t.Fatalf("a program from PATH outside any allowed directory: %v", err)
	}
}
