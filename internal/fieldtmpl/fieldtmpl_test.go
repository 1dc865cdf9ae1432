package fieldtmpl

import (
	"errors"
	"strings"
	"testing"
)

// TestParseSubset: fields, a map field's keys and {{if}} on them pass;
// everything that loops, calls, defines or binds is refused, naming the
// action.
func TestParseSubset(t *testing.T) {
	fields := []Field{{Name: "State"}, {Name: "Input", Keys: true}}
	tests := []struct {
		text string
		bad  string // "" when accepted
	}{
		{"{{.State}} {{.Input}} {{.Input.n}}{{if .Input.n}}y{{else if .State}}z{{else}}w{{end}}{{/* c */}}", ""},
		{"{{range 3000}}{{range 1000000}}x{{end}}{{end}}{{.State}}", "range"},
		{`{{define "a"}}{{.State}}{{end}}{{template "a"}}`, `template "a"`},
		{`{{block "b" .}}x{{end}}`, `template "b"`},
		{"{{with .State}}{{.}}{{end}}", "with"},
		{"{{$x := .State}}", "$x"},
		{`{{printf "%09999999d" 1}}`, "printf"},
		{"{{.State | len}}", "len"},
		{"{{.State.Len}}", ".State.Len"},
		{"{{.Input.a.b}}", ".Input.a.b"},
		{"{{.Nope}}", ".Nope"},
		{"{{.}}", "."},
		{"{{call .State}}", "call"},
	}
	for _, tc := range tests {
		_, err := Parse("p", tc.text, fields...)
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("%q: %v", tc.text, err)
		case tc.bad == "":
		case err == nil:
			t.Errorf("%q: accepted", tc.text)
		case !strings.Contains(err.Error(), tc.bad):
			t.Errorf("%q: error %q does not name %q", tc.text, err, tc.bad)
		}
	}
}

// TestRenderCap: a rendering stops at the cap, without writing more.
func TestRenderCap(t *testing.T) {
	tmpl, err := Parse("p", strings.Repeat("{{.State}}", 100), Field{Name: "State"})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := Render(tmpl, map[string]string{"State": "abcd"}, 400); err != nil || len(s) != 400 {
		t.Fatalf("at the cap: %d bytes, %v", len(s), err)
	}
	if _, err := Render(tmpl, map[string]string{"State": "abcde"}, 400); !errors.Is(err, ErrTooLong) {
		t.Fatalf("over the cap: %v", err)
	}
}
