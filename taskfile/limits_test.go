package taskfile

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestTemplatesAreFieldsOnly: a task file's templates hold text, the
// documented fields and {{if}} on them; anything that loops, calls or
// defines is refused when the file is read, naming the field and the
// action, before anything renders.
func TestTemplatesAreFieldsOnly(t *testing.T) {
	tests := []struct {
		name, from, to string // a replacement in base
		field, action  string
	}{
		{"range bomb", "Count: {{.State}}", "{{range 3000}}{{range 1000}}x{{end}}{{end}}{{.State}}", "user", "range"},
		{"printf", "Count: {{.State}}", `{{printf \"%0999999d\" .Step}}{{.State}}`, "user", "printf"},
		{"nested template", "Count: {{.State}}", `{{define \"a\"}}x{{end}}{{template \"a\"}}{{.State}}`, "user", `template "a"`},
		{"with", "Count: {{.State}}", "{{with .Prev}}{{.}}{{end}}{{.State}}", "user", "with"},
		{"unknown field", "Count: {{.State}}", "{{.State}} {{.Nope}}", "user", ".Nope"},
		{"answer range", "next: {{.Action}} {{.State}}", "next: {{.Action}} {{.State}}{{range 3}} {{end}}", "answer.template", "range"},
		{"answer unknown field", "next: {{.Action}} {{.State}}", "next: {{.Action}} {{.Step}}", "answer.template", ".Step"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("task.yaml", strings.Replace(base, tc.from, tc.to, 1))
			if err == nil || !strings.Contains(err.Error(), tc.field+": ") || !strings.Contains(err.Error(), tc.action) || !strings.Contains(err.Error(), "not allowed") {
				t.Fatalf("got %v, want an error on %s naming %q", err, tc.field, tc.action)
			}
		})
	}
	// The documented fields and {{if}} on them stay accepted.
	ok := strings.Replace(base, "Count: {{.State}}", "{{if .Prev}}after {{.Prev}}{{else}}first{{end}}, step {{.Step}} of {{.Steps}}: {{.State}}", 1)
	if _, err := Parse("task.yaml", ok); err != nil {
		t.Fatal(err)
	}
}

// TestRenderedPromptIsCapped: a prompt that renders over the cap is an
// error naming the field when the file is read, without building it.
func TestRenderedPromptIsCapped(t *testing.T) {
	big := strings.Repeat("x", 100<<10)
	text := fmt.Sprintf(sumTask, `[{n: "`+big+`"}]`)
	text = strings.Replace(text, "add {{.Input.n}}", strings.Repeat("{{.Input.n}}", 50), 1)
	_, err := Parse("task.yaml", text)
	if err == nil || !strings.Contains(err.Error(), "task.yaml:3: user: ") || !strings.Contains(err.Error(), "MiB") {
		t.Fatalf("got %v", err)
	}
	if len(err.Error()) > 1024 {
		t.Errorf("the error is %d bytes long", len(err.Error()))
	}
}

// TestInputReadersStripByteOrderMark: a UTF-8 byte-order mark at the start
// of a data file is not part of its first field, line or object.
func TestInputReadersStripByteOrderMark(t *testing.T) {
	const bom = "\ufeff"
	tests := []struct {
		name, inputs string
		files        map[string]string
		want         string // step 1's prompt
	}{
		{"csv", "d.csv", map[string]string{"d.csv": bom + "n\n3\n"}, `Total 0; add 3 ({"n":"3"})`},
		{"jsonl", "d.jsonl", map[string]string{"d.jsonl": bom + "{\"n\": 3}\n"}, `Total 0; add 3 ({"n":3})`},
		{"lines", "d.txt", map[string]string{"d.txt": bom + "3\n"}, "Total 0; add 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			text := fmt.Sprintf(sumTask, tc.inputs)
			if tc.name == "lines" {
				text = strings.Replace(text, "add {{.Input.n}} ({{.Input}})", "add {{.Input}}", 1)
			}
			task, err := Parse(filepath.Join(dir, "task.yaml"), text)
			if err != nil {
				t.Fatal(err)
			}
			if got := task.Prompt("0", "", 0).User; got != tc.want {
				t.Fatalf("prompt %q, want %q", got, tc.want)
			}
		})
	}
	// An expected file is read the same way.
	dir := writeFiles(t, map[string]string{"e.jsonl": bom + "{\"action\": \"1\", \"state\": \"1\"}\n"})
	if _, err := Parse(filepath.Join(dir, "task.yaml"), fmt.Sprintf(sumTask, "[{n: 1}]")+"expected_file: e.jsonl\n"); err != nil {
		t.Fatal(err)
	}
}

// TestInputRecordLimits: a CSV file has at most 1,000 columns and a record
// at most 1 MiB, as a line of the other formats; the errors are short,
// whatever the file holds.
func TestInputRecordLimits(t *testing.T) {
	long := strings.Repeat("y", 1<<20)
	wide := make([]string, 1001)
	for i := range wide {
		wide[i] = fmt.Sprintf("c%d", i)
	}
	tests := []struct {
		name   string
		file   string
		text   string
		wantAt string
		msg    string
	}{
		{"csv columns", "d.csv", "n," + strings.Join(wide[1:], ",") + "\n", "d.csv:1: ", "1001 columns"},
		{"csv record", "d.csv", "n,who\n1,a\n2,\"" + long + "\"\n3,c\n", "d.csv:3: ", "longer than 1048576 bytes"},
		{"csv record on many lines", "d.csv", "n,who\n1,\"" + strings.Repeat("y\n", 600<<10) + "\"\n", "d.csv:2: ", "longer than 1048576 bytes"},
		{"csv header", "d.csv", "n," + long + "\n1,2\n", "d.csv:1: ", "longer than 1048576 bytes"},
		{"jsonl line", "d.jsonl", "{\"n\": 1}\n{\"n\": \"" + long + "\"}\n", "d.jsonl:2: ", "longer than 1048576 bytes"},
		{"jsonl keys", "d.jsonl", "{\"n\": 1, " + strings.Repeat(`"k`, 0) + jsonKeys(1001) + "}\n", "d.jsonl:1: ", "1002 fields"},
		{"csv header twice", "d.csv", "n," + strings.Repeat("h", 100<<10) + "," + strings.Repeat("h", 100<<10) + "\n1,2,3\n", "d.csv:1: ", "twice"},
		{"jsonl field twice", "d.jsonl", `{"n": 1, "n": 2}` + "\n", "d.jsonl:1: ", "n: duplicate field"},
		{"jsonl field name", "d.jsonl", `{"n": 1, "` + strings.Repeat("k", 100<<10) + `": }` + "\n", "d.jsonl:1: ", "not a JSON object"},
		{"csv many fields in a row", "d.csv", "n,who\n" + strings.Repeat(",", 400<<10) + "\n", "d.csv:2: ", "ragged row"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{tc.file: tc.text})
			_, err := Parse(filepath.Join(dir, "task.yaml"), fmt.Sprintf(sumTask, tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.wantAt) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %.300v, want %s...%s", err, tc.wantAt, tc.msg)
			}
			if len(err.Error()) > 1024 {
				t.Errorf("the error is %d bytes long", len(err.Error()))
			}
		})
	}
}

func jsonKeys(n int) string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf(`"k%d": 1`, i)
	}
	return strings.Join(keys, ", ")
}

// TestEveryRecordHasTheTemplateFields: a field the user template names must
// be in every record, not only the first, or a later step could not be
// prompted. The error is at the record's line and quotes none of it.
func TestEveryRecordHasTheTemplateFields(t *testing.T) {
	dir := writeFiles(t, map[string]string{"d.jsonl": "{\"n\": 1}\n{\"n\": 2}\n{\"m\": \"private-value\"}\n"})
	_, err := Parse(filepath.Join(dir, "task.yaml"), fmt.Sprintf(sumTask, "d.jsonl"))
	if err == nil || !strings.Contains(err.Error(), "d.jsonl:3: ") || !strings.Contains(err.Error(), `no field "n"`) || strings.Contains(err.Error(), "private-value") {
		t.Fatalf("got %v", err)
	}
	_, err = Parse("task.yaml", fmt.Sprintf(sumTask, "[{n: 1}, {m: 2}]"))
	if err == nil || !strings.Contains(err.Error(), "inputs[1]") || !strings.Contains(err.Error(), `no field "n"`) {
		t.Fatalf("inline: got %v", err)
	}
}

// TestDuplicateKeysAreErrors: a key given twice in any mapping is an error
// on one line naming the line of the second, not a silent choice.
func TestDuplicateKeysAreErrors(t *testing.T) {
	tests := []struct {
		name, from, to, want string
	}{
		{"top level", "initial: 0\n", "initial: 0\ninitial: 1\n", "task.yaml:5: initial: given twice"},
		{"done", "  steps: 2\n", "  steps: 2\n  steps: 3\n", "task.yaml:12: done.steps: given twice"},
		{"expected item", `{action: inc, state: "1"}`, `{action: inc, state: "1", state: "2"}`, "task.yaml:13: expected[0].state: given twice"},
		{"inline input", "initial: 0\n", "initial: 0\ninputs:\n  - {n: 1, n: 2}\n", "task.yaml:6: inputs[0].n: given twice"},
		{"schema", "answer:\n  regex: '^next: (?P<action>inc) (?P<state>[0-9]+)$'\n  template: \"next: {{.Action}} {{.State}}\"\n",
			"answer:\n  json:\n    schema:\n      type: object\n      type: string\n", "task.yaml:9: answer.json.schema.type: given twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := strings.Replace(base, tc.from, tc.to, 1)
			if text == base {
				t.Fatal("the case changes nothing")
			}
			_, err := Parse("task.yaml", text)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %q, want %q...", err, tc.want)
			}
		})
	}
}
