package taskfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

// sumTask is a running sum over per-step inputs: step i adds input i.
const sumTask = `name: sum
system: Add the number to the total.
user: "Total {{.State}}; add {{.Input.n}} ({{.Input}})"
initial: 0
inputs: %s
answer:
  regex: '^add (?P<action>[0-9]+) = (?P<state>[0-9]+)$'
  template: "add {{.Action}} = {{.State}}"
done:
  inputs: true
`

// writeFiles writes name → text into a new directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestInputsEveryFormat(t *testing.T) {
	tests := []struct {
		name, inputs string
		files        map[string]string
		want         []string // the user prompt of each step
	}{
		{"jsonl", "data.jsonl", map[string]string{"data.jsonl": "{\"n\": 3}\n\n{\"n\": 4, \"x\": [1, 2]}\n"},
			[]string{`Total 0; add 3 ({"n":3})`, `Total 0; add 4 ({"n":4,"x":[1,2]})`}},
		{"csv", "data.csv", map[string]string{"data.csv": "n,who\n3,\"a, b\"\n4,c\n"},
			[]string{`Total 0; add 3 ({"n":"3","who":"a, b"})`, `Total 0; add 4 ({"n":"4","who":"c"})`}},
		{"csv crlf", "{file: data.txt, format: csv}", map[string]string{"data.txt": "n\r\n3\r\n4\r\n"},
			[]string{`Total 0; add 3 ({"n":"3"})`, `Total 0; add 4 ({"n":"4"})`}},
		{"inline mappings", "[{n: 3}, {n: 4}]", nil,
			[]string{`Total 0; add 3 ({"n":3})`, `Total 0; add 4 ({"n":4})`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			task, err := Parse(filepath.Join(dir, "task.yaml"), fmt.Sprintf(sumTask, tc.inputs))
			if err != nil {
				t.Fatal(err)
			}
			if task.Steps() != len(tc.want) {
				t.Fatalf("steps %d, want %d", task.Steps(), len(tc.want))
			}
			for i, want := range tc.want {
				if got := task.Prompt("0", "", i).User; got != want {
					t.Errorf("step %d prompt %q, want %q", i+1, got, want)
				}
			}
		})
	}
}

func TestInputsPlainLines(t *testing.T) {
	dir := writeFiles(t, map[string]string{"words.txt": "alpha\nbeta\n\ngamma"})
	text := strings.Replace(fmt.Sprintf(sumTask, "words.txt"), "add {{.Input.n}} ({{.Input}})", "word {{.Input}}", 1)
	task, err := Parse(filepath.Join(dir, "task.yaml"), text)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := range task.Steps() {
		got = append(got, task.Prompt("0", "", i).User)
	}
	if want := "Total 0; word alpha|Total 0; word beta|Total 0; word gamma"; strings.Join(got, "|") != want {
		t.Errorf("prompts %q, want %q", strings.Join(got, "|"), want)
	}
}

// TestCursorReadsAnyOrder: a run reads records in order, but a resumed run
// starts part way, speculation reads ahead and the simulator reads back one;
// every order gives each step its own record.
func TestCursorReadsAnyOrder(t *testing.T) {
	var b strings.Builder
	for i := range 500 {
		fmt.Fprintf(&b, "{\"n\": %d}\n", i)
	}
	dir := writeFiles(t, map[string]string{"d.jsonl": b.String()})
	task, err := Parse(filepath.Join(dir, "task.yaml"), fmt.Sprintf(sumTask, "d.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1, 2, 300, 299, 301, 302, 250, 236, 237, 100, 499, 0, 498} {
		r, err := task.in.at(i)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("{\"n\": %d}", i); r.Text != want || r.Line != i+1 {
			t.Fatalf("record %d is %q at line %d, want %q at line %d", i, r.Text, r.Line, want, i+1)
		}
	}
	if _, err := task.in.at(500); err == nil {
		t.Error("record 501 of 500: no error")
	}
}

// TestInputsChangedDuringRun: a file cut short under a running task fails
// the step's check, instead of prompting without the input.
func TestInputsChangedDuringRun(t *testing.T) {
	dir := writeFiles(t, map[string]string{"d.txt": "1\n2\n3\n"})
	text := strings.Replace(fmt.Sprintf(sumTask, "d.txt"), "add {{.Input.n}} ({{.Input}})", "add {{.Input}}", 1)
	task, err := Parse(filepath.Join(dir, "task.yaml"), text)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "d.txt"), []byte("1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := task.Prompt("0", "", 2)
	if !strings.Contains(p.User, "input unavailable") {
		t.Errorf("prompt %q does not say the input is missing", p.User)
	}
	if err := task.Check(2, "0", maker.Candidate[string]{Action: "3", State: "3"}); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("check after a changed file: %v", err)
	}
}

func TestDataErrorsAreLocated(t *testing.T) {
	sh := "#!/bin/sh\necho ok\n"
	tests := []struct {
		name   string
		task   string // a sumTask variant, with %s for the directory
		files  map[string]string
		wantAt string // the located prefix, with %s for the directory
		msg    string
	}{
		{"missing input file", fmt.Sprintf(sumTask, "nope.jsonl"), nil, "%s/task.yaml:5: inputs: ", "no such file"},
		{"ragged csv row", fmt.Sprintf(sumTask, "d.csv"), map[string]string{"d.csv": "n,who\n1,a\n2\n3,c\n"}, "%s/d.csv:3: ", "ragged row"},
		{"bad csv quote", fmt.Sprintf(sumTask, "d.csv"), map[string]string{"d.csv": "n\n1\n\"2\n"}, "%s/d.csv:3: ", "quote"},
		{"jsonl line not an object", fmt.Sprintf(sumTask, "d.jsonl"), map[string]string{"d.jsonl": "{\"n\": 1}\n[2]\n"}, "%s/d.jsonl:2: ", "not a JSON object"},
		{"jsonl two values", fmt.Sprintf(sumTask, "d.jsonl"), map[string]string{"d.jsonl": "{\"n\": 1} {\"n\": 2}\n"}, "%s/d.jsonl:1: ", "more than one"},
		{"template field the inputs lack", strings.Replace(fmt.Sprintf(sumTask, "d.jsonl"), ".Input.n", ".Input.amount", 1), map[string]string{"d.jsonl": "{\"n\": 1}\n"}, "%s/task.yaml:3: user: ", `no field "amount" (the first record has n)`},
		{"template field of csv header", strings.Replace(fmt.Sprintf(sumTask, "d.csv"), ".Input.n", ".Input.amount", 1), map[string]string{"d.csv": "n\n1\n"}, "%s/task.yaml:3: user: ", `no field "amount"`},
		{"field of plain lines", fmt.Sprintf(sumTask, "d.txt"), map[string]string{"d.txt": "1\n"}, "%s/task.yaml:3: user: ", "plain lines"},
		{"field inside if", strings.Replace(fmt.Sprintf(sumTask, "d.jsonl"), "({{.Input}})", "{{if .Input.x}}x{{end}}", 1), map[string]string{"d.jsonl": "{\"n\": 1}\n"}, "%s/task.yaml:3: user: ", `no field "x"`},
		{"input without inputs", strings.Replace(strings.Replace(fmt.Sprintf(sumTask, "d.txt"), "inputs: d.txt\n", "", 1), "inputs: true", "steps: 1", 1), nil, "%s/task.yaml:3: user: ", "no inputs"},
		{"empty input file", fmt.Sprintf(sumTask, "d.jsonl"), map[string]string{"d.jsonl": "\n\n"}, "%s/task.yaml:5: inputs: ", "no records"},
		{"unknown format", fmt.Sprintf(sumTask, "{file: d.jsonl, format: xml}"), map[string]string{"d.jsonl": "{\"n\": 1}\n"}, "%s/task.yaml:5: inputs.format: ", "want jsonl"},
		{"done.inputs without inputs", strings.Replace(strings.Replace(fmt.Sprintf(sumTask, "x"), "inputs: x\n", "", 1), "{{.Input.n}} ({{.Input}})", "1", 1), nil, "%s/task.yaml:9: done.inputs: ", "no inputs"},
		{"steps beyond inputs", strings.Replace(fmt.Sprintf(sumTask, "[{n: 1}]"), "inputs: true", "steps: 2", 1), nil, "%s/task.yaml:10: done.steps: ", "only 1"},
		{"execute not found", fmt.Sprintf(sumTask, "[{n: 1}]") + "execute: {command: [no-such-program-xyz]}\n", nil, "%s/task.yaml:11: execute.command[0]: ", "not found"},
		{"execute missing file", fmt.Sprintf(sumTask, "[{n: 1}]") + "execute: {command: [./act.sh]}\n", nil, "%s/task.yaml:11: execute.command[0]: ", "no such file"},
		{"execute not executable", fmt.Sprintf(sumTask, "[{n: 1}]") + "execute: {command: [./act.sh]}\n", map[string]string{"act.sh": sh}, "%s/task.yaml:11: execute.command[0]: ", "not executable"},
		{"execute bad timeout", fmt.Sprintf(sumTask, "[{n: 1}]") + "execute: {command: [sh], timeout: soon}\n", nil, "%s/task.yaml:11: execute.timeout: ", "positive duration"},
		{"execute not a list", fmt.Sprintf(sumTask, "[{n: 1}]") + "execute: {command: ./act.sh}\n", nil, "%s/task.yaml:11: execute.command: ", "no shell"},
		{"expected_file count", fmt.Sprintf(sumTask, "[{n: 1}]") + "expected_file: e.jsonl\n", map[string]string{"e.jsonl": "{\"action\": \"1\", \"state\": \"1\"}\n{\"action\": \"1\", \"state\": \"2\"}\n"}, "%s/e.jsonl:2: ", "more answers than the task's 1 steps"},
		{"expected_file bad answer", fmt.Sprintf(sumTask, "[{n: 1}]") + "expected_file: e.jsonl\n", map[string]string{"e.jsonl": "{\"action\": \"one\", \"state\": \"1\"}\n"}, "%s/e.jsonl:1: ", "does not parse"},
		{"expected_file unknown key", fmt.Sprintf(sumTask, "[{n: 1}]") + "expected_file: e.jsonl\n", map[string]string{"e.jsonl": "{\"action\": \"1\", \"state\": \"1\", \"why\": 2}\n"}, "%s/e.jsonl:1: ", "unknown field"},
		{"expected_file key in another case", fmt.Sprintf(sumTask, "[{n: 1}]") + "expected_file: e.jsonl\n", map[string]string{"e.jsonl": "{\"action\": \"1\", \"state\": \"1\", \"State\": \"2\"}\n"}, "%s/e.jsonl:1: ", "State: unknown field"},
		{"expected_file key twice", fmt.Sprintf(sumTask, "[{n: 1}]") + "expected_file: e.jsonl\n", map[string]string{"e.jsonl": "{\"action\": \"1\", \"state\": \"1\", \"state\": \"2\"}\n"}, "%s/e.jsonl:1: ", "state: duplicate field"},
		{"expected and expected_file", fmt.Sprintf(sumTask, "[{n: 1}]") + "expected_file: e.jsonl\nexpected: [{action: \"1\", state: \"1\"}]\n", map[string]string{"e.jsonl": "{\"action\": \"1\", \"state\": \"1\"}\n"}, "%s/task.yaml:12: expected: ", "not both"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			_, err := Parse(filepath.Join(dir, "task.yaml"), tc.task)
			if err == nil {
				t.Fatal("no error")
			}
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %q is a %T, not a located *Error", err, err)
			}
			want := fmt.Sprintf(tc.wantAt, dir)
			if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q\nwant prefix %q and %q", err, want, tc.msg)
			}
		})
	}
}

// TestLoadHashesDataFiles: the hash a run journals changes with the file.
func TestLoadHashesDataFiles(t *testing.T) {
	dir := writeFiles(t, map[string]string{"d.jsonl": "{\"n\": 1}\n"})
	path := filepath.Join(dir, "task.yaml")
	if err := os.WriteFile(path, []byte(fmt.Sprintf(sumTask, "d.jsonl")), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := Load(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	// A trailing blank line reads as the same records but is another file.
	if err := os.WriteFile(filepath.Join(dir, "d.jsonl"), []byte("{\"n\": 1}\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := Load(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ha, hb := a.DataFiles()["d.jsonl"], b.DataFiles()["d.jsonl"]
	if len(ha) != 64 || ha == hb {
		t.Errorf("hashes %q and %q: want two different SHA-256", ha, hb)
	}
}
