package hanoi

import (
	"strings"
	"testing"
	"time"
)

// templateSeeds are templates a user might write, good and bad: the
// default, plain fields, conditionals, and what the subset refuses (every
// function, range, nested templates, variables).
var templateSeeds = []string{
	DefaultUserTemplate,
	"Last: {{.Prev}}\nNow: {{.State}}\nDisks: {{.Disks}}. Answer with move and next_state.",
	"{{- .Prev -}} {{.State}} {{.Order}} step {{.Step}}",
	"{{if .Prev}}after {{.Prev}}{{else}}first{{end}} {{.State}}",
	"{{if .Step}}{{.Prev}}{{else if .Disks}}{{.Order}}{{end}}{{.State}}{{/* a comment */}}",
	"no fields",
	"{{.Prev}} only",
	"{{.State}} {{.Prev}} {{.Nope}}",
	"{{.State}} {{.Prev",
	"{{.Prev}}{{.State}}{{if eq .Step 2}}{{index .Prev 99}}{{end}}",
	"{{.Prev}}{{.State}}{{range 3000000000}}{{end}}",
	"{{.Prev}}{{.State}}{{range $i := 10}}{{range 10}}x{{end}}{{end}}",
	"{{define \"a\"}}{{template \"a\"}}{{end}}{{.Prev}}{{.State}}{{template \"a\"}}",
	"{{block \"b\" .}}{{.Prev}}{{end}}{{.State}}",
	"{{with .Prev}}{{.}}{{end}}{{.State}}",
	"{{$x := .Prev}}{{$x}}{{.State}}",
	"{{$.Prev}}{{.State}}",
	"{{.}}{{.Prev}}{{.State}}",
	"{{.Prev.Len}}{{.State}}",
	"{{.Prev | printf \"%s\"}}{{.State}}",
	"{{printf \"%0999999d\" .Step}}{{.Prev}}{{.State}}",
	"{{slice .State 3}}{{.Prev}}",
	"{{len .Disks}}{{.Prev}}{{.State}}",
	"",
}

// FuzzParseTemplate feeds ParseTemplate arbitrary --prompt-file text. It
// must return promptly, and a template it accepts must render at every
// step, for any number of disks, without panicking and without growing
// far beyond its own text.
func FuzzParseTemplate(f *testing.F) {
	for _, s := range templateSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		t0 := time.Now()
		tmpl, err := ParseTemplate("fuzz", text)
		if d := time.Since(t0); d > 2*time.Second {
			t.Fatalf("ParseTemplate(%q) took %v", text, d)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "prompt template fuzz") {
				t.Fatalf("ParseTemplate(%q): error %q does not name the template", text, err)
			}
			return
		}
		for _, n := range []int{1, 2, MaxDisks} {
			task, err := New(n)
			if err != nil {
				t.Fatal(err)
			}
			task = task.WithTemplate(tmpl)
			s := task.Initial()
			for i, prev := range []string{"", "[1, 0, 2]", "[30, 2, 1]", "x"} {
				step := []int{0, 1, 2, 1 << 20}[i]
				p := task.Prompt(s, prev, step)
				// A field renders at most about 13 times its own text
				// ({{.State}} of MaxDisks disks).
				if len(p.User) > 16*len(text) {
					t.Fatalf("template %q rendered %d bytes at step %d", text, len(p.User), step)
				}
			}
		}
	})
}
