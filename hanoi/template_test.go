package hanoi

import (
	"strings"
	"testing"
)

// TestParseTemplateSubset: the fields and {{if}} on them are accepted and
// render; everything that could fail on a later step, loop or blow up the
// prompt is refused when the template is read, naming the action.
func TestParseTemplateSubset(t *testing.T) {
	tests := []struct {
		name, text string
		bad        string // "" when accepted, else the action the error names
	}{
		{"default", DefaultUserTemplate, ""},
		{"if else", "{{if .Prev}}after {{.Prev}}{{else if .Disks}}none{{end}} {{.State}} {{.Order}} {{.Step}}", ""},
		{"index on a later step", "{{.Prev}}{{.State}}{{if eq .Step 2}}{{index .Prev 99}}{{end}}", "eq .Step 2"},
		{"range over a number", "{{.Prev}}{{.State}}{{range 3000000000}}{{end}}", "range"},
		{"printf width", `{{printf "%0999999d" .Step}}{{.Prev}}{{.State}}`, "printf"},
		{"nested templates", `{{define "a"}}{{.Prev}}{{end}}{{.Prev}}{{.State}}{{template "a"}}`, `template "a"`},
		{"with", "{{with .Prev}}{{.}}{{end}}{{.State}}", "with"},
		{"variable", "{{$x := .Prev}}{{$x}}{{.State}}", "$x"},
		{"unknown field", "{{.State}} {{.Prev}} {{.Nope}}", ".Nope"},
		{"field of a field", "{{.Prev.Len}}{{.State}}", ".Prev.Len"},
	}
	for _, tc := range tests {
		tmpl, err := ParseTemplate("p", tc.text)
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.bad == "":
			task, _ := New(3)
			task = task.WithTemplate(tmpl)
			for step, prev := range []string{"", "[1, 0, 2]", "[2, 0, 1]"} {
				if p := task.Prompt(task.Initial(), prev, step); !strings.Contains(p.User, "[[3, 2, 1], [], []]") {
					t.Errorf("%s: step %d renders %q", tc.name, step, p.User)
				}
			}
		case err == nil:
			t.Errorf("%s: accepted", tc.name)
		case !strings.Contains(err.Error(), tc.bad):
			t.Errorf("%s: error %q does not name %q", tc.name, err, tc.bad)
		}
	}
}
