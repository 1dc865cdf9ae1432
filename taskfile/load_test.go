package taskfile

import (
	"errors"
	"strings"
	"testing"
)

// base is a valid file; every case below breaks one field of it. The line
// numbers in the cases are this text's.
const base = `name: demo
system: Count up by one.
user: "Count: {{.State}}, step {{.Step}}"
initial: 0
answer:
  regex: '^next: (?P<action>inc) (?P<state>[0-9]+)$'
  template: "next: {{.Action}} {{.State}}"
key:
  case: lower
done:
  steps: 2
expected:
  - {action: inc, state: "1"}
  - {action: inc, state: "2"}
`

func TestParseValidBase(t *testing.T) {
	task, err := Parse("task.yaml", base)
	if err != nil {
		t.Fatal(err)
	}
	if task.Name() != "demo" || task.Initial() != "0" || task.Steps() != 2 || len(task.Expected()) != 2 {
		t.Fatalf("got name %q initial %q steps %d expected %d", task.Name(), task.Initial(), task.Steps(), len(task.Expected()))
	}
	if task.Expected()[1].Line != 14 {
		t.Errorf("expected[1] line %d, want 14", task.Expected()[1].Line)
	}
}

func TestParseErrorsNameLineAndField(t *testing.T) {
	tests := []struct {
		name string
		old  string // text of base to replace
		new  string
		want string // the whole located prefix, and a part of the message
		msg  string
	}{
		{"name missing", "name: demo\n", "", "task.yaml:1: name: ", "required"},
		{"name empty", "name: demo", `name: ""`, "task.yaml:1: name: ", "must not be empty"},
		{"system not text", "system: Count up by one.", "system: {a: b}", "task.yaml:2: system: ", "want a text value"},
		{"user does not parse", `user: "Count: {{.State}}, step {{.Step}}"`, `user: "Count: {{.State"`, "task.yaml:3: user: ", "unclosed action"},
		{"user without state", `user: "Count: {{.State}}, step {{.Step}}"`, `user: "Count: {{.Step}}"`, "task.yaml:3: user: ", "{{.State}}"},
		{"user unknown field", `step {{.Step}}`, `step {{.Stage}}`, "task.yaml:3: user: ", "Stage"},
		{"initial missing", "initial: 0\n", "", "task.yaml:1: initial: ", "required"},
		{"initial not text", "initial: 0", "initial: [0]", "task.yaml:4: initial: ", "want a text value"},
		{"answer missing format", "  regex: '^next: (?P<action>inc) (?P<state>[0-9]+)$'\n", "", "task.yaml:6: answer: ", "give regex"},
		{"answer regex invalid", `(?P<state>[0-9]+)$`, `(?P<state>[0-9]+$`, "task.yaml:6: answer.regex: ", "missing closing )"},
		{"answer regex no state group", `(?P<state>[0-9]+)$`, `([0-9]+)$`, "task.yaml:6: answer.regex: ", `missing named group "state"`},
		{"answer regex no action group", `(?P<action>inc)`, `(inc)`, "task.yaml:6: answer.regex: ", `missing named group "action"`},
		{"answer template invalid", `template: "next: {{.Action}} {{.State}}"`, `template: "next: {{.Action"`, "task.yaml:7: answer.template: ", "unclosed action"},
		{"answer template disagrees with regex", `template: "next: {{.Action}} {{.State}}"`, `template: "next {{.Action}} {{.State}}"`, "task.yaml:13: expected[0]: ", "does not parse"},
		{"answer json schema invalid", "  regex: '^next: (?P<action>inc) (?P<state>[0-9]+)$'\n  template: \"next: {{.Action}} {{.State}}\"\n", "  json:\n    schema: {type: 12}\n", "task.yaml:7: answer.json.schema: ", "type"},
		{"answer json and template", "  regex: '^next: (?P<action>inc) (?P<state>[0-9]+)$'\n", "  json: {}\n", "task.yaml:7: answer.template: ", "not used with json"},
		{"key case", "case: lower", "case: title", "task.yaml:9: key.case: ", `want keep, lower or upper, got "title"`},
		{"key trim", "case: lower", "trim: maybe", "task.yaml:9: key.trim: ", "want true or false"},
		{"key unknown", "case: lower", "casing: lower", "task.yaml:9: key.casing: ", "unknown field"},
		{"done steps zero", "steps: 2", "steps: 0", "task.yaml:11: done.steps: ", "at least 1"},
		{"done steps not a number", "steps: 2", "steps: two", "task.yaml:11: done.steps: ", `want a whole number, got "two"`},
		{"done state_matches invalid", "steps: 2", "state_matches: '[0-'", "task.yaml:11: done.state_matches: ", "missing closing ]"},
		{"done state_matches matches initial", "steps: 2", "state_matches: '^[0-9]+$'", "task.yaml:11: done.state_matches: ", "already matches the initial state"},
		{"done empty", "done:\n  steps: 2\n", "done: {}\n", "task.yaml:10: done: ", "give steps, state_matches or both"},
		{"done missing", "done:\n  steps: 2\n", "", "task.yaml:1: done: ", "required"},
		{"expected too few", `  - {action: inc, state: "2"}` + "\n", "", "task.yaml:13: expected: ", "1 answers for done.steps 2"},
		{"expected not a list", "expected:\n  - {action: inc, state: \"1\"}\n  - {action: inc, state: \"2\"}\n", "expected: 3\n", "task.yaml:12: expected: ", "want a list"},
		{"expected state missing", `{action: inc, state: "2"}`, `{action: inc}`, "task.yaml:14: expected[1].state: ", "required"},
		{"expected state out of format", `state: "2"`, `state: "two"`, "task.yaml:14: expected[1]: ", "does not parse"},
		{"expected action empty", `{action: inc, state: "2"}`, `{action: " ", state: "2"}`, "task.yaml:14: expected[1].action: ", "must not be empty"},
		{"expected wrong out of format", `{action: inc, state: "2"}`, `{action: inc, state: "2", wrong: [{action: dec, state: "1"}]}`, "task.yaml:14: expected[1].wrong[0]: ", "does not parse"},
		{"expected unknown field", `{action: inc, state: "2"}`, `{action: inc, state: "2", note: x}`, "task.yaml:14: expected[1].note: ", "unknown field"},
		{"unknown top-level field", "initial: 0\n", "initial: 0\ncolour: red\n", "task.yaml:5: colour: ", "unknown field"},
		{"field given twice", "initial: 0\n", "initial: 0\ninitial: 1\n", "task.yaml:5: initial: ", "given twice"},
		{"yaml syntax", "initial: 0\n", "initial: [0\n", "task.yaml:", "invalid YAML"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("case does not apply: %q not in base", tc.old)
			}
			text := strings.Replace(base, tc.old, tc.new, 1)
			_, err := Parse("task.yaml", text)
			if err == nil {
				t.Fatalf("no error for:\n%s", text)
			}
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is %T, want *Error", err, err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %q, want prefix %q and %q", err, tc.want, tc.msg)
			}
		})
	}
}

func TestParseStateMatchesAloneAndBound(t *testing.T) {
	text := strings.Replace(base, "  steps: 2\n", "  state_matches: '^2$'\n", 1)
	task, err := Parse("task.yaml", text)
	if err != nil {
		t.Fatal(err)
	}
	if task.Steps() != 0 || task.Done("1", 5) || !task.Done("2", 0) {
		t.Fatalf("steps %d, done(1)=%v done(2)=%v", task.Steps(), task.Done("1", 5), task.Done("2", 0))
	}
	// An expected state that matches before the end would end the run early.
	text = strings.Replace(base, "  steps: 2\n", "  state_matches: '^[12]$'\n", 1)
	if _, err := Parse("task.yaml", text); err == nil || !strings.Contains(err.Error(), "task.yaml:13: expected[0].state: matches done.state_matches") {
		t.Fatalf("got %v", err)
	}
}
