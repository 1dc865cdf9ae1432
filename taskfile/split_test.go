package taskfile

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

// parseWhole is Parse without the batched reading of the expected list:
// the reference the batched reading must agree with.
func parseWhole(name, text string) (*Task, error) {
	t, err := parse(name, []byte(text), nil, Options{})
	if ye, ok := err.(*yamlError); ok {
		return nil, ye.err
	}
	return t, err
}

// longList is base with n expected steps; edit changes the text of item i
// (0-based) before it is written.
func longList(n int, edit func(i int, item string) string) string {
	var b strings.Builder
	head, _, _ := strings.Cut(base, "expected:\n")
	b.WriteString(strings.Replace(head, "steps: 2", fmt.Sprintf("steps: %d", n), 1))
	b.WriteString("expected:\n")
	for i := range n {
		item := fmt.Sprintf("  - {action: inc, state: \"%d\"}\n", i+1)
		if edit != nil {
			item = edit(i, item)
		}
		b.WriteString(item)
	}
	return b.String()
}

func TestBatchedParseAgreesWithWholeParse(t *testing.T) {
	n := 2*listBatch + 100 // three batches
	late := 2*listBatch + 50
	tests := []struct {
		name  string
		text  string
		split bool // whether the list is cut out
	}{
		{"base", base, true},
		{"comments and blank lines", strings.Replace(base, "expected:\n", "expected: # the answers\n\n  # first\n", 1) + "# the end\n", true},
		{"items at column 0", strings.ReplaceAll(base, "\n  - {", "\n- {"), true},
		{"block items with wrong answers", strings.Replace(base, `  - {action: inc, state: "1"}`, "  - action: inc\n    state: \"1\"\n    wrong:\n      - {action: inc, state: \"2\"}\n      - action: inc\n        state: \"0\"", 1), true},
		{"a key after the list", base + "key:\n  case: upper\n", true},
		{"a key after the list, twice given", base + "name: again\n", true},
		{"CRLF line ends", strings.ReplaceAll(base, "\n", "\r\n"), true},
		{"flow list", strings.Replace(base, "expected:\n  - {action: inc, state: \"1\"}\n  - {action: inc, state: \"2\"}\n", "expected: [{action: inc, state: \"1\"}, {action: inc, state: \"2\"}]\n", 1), false},
		{"expected given twice", base + "expected:\n  - {action: inc, state: \"1\"}\n", false},
		{"empty list", strings.Replace(base, "  - {action: inc, state: \"1\"}\n  - {action: inc, state: \"2\"}\n", "", 1), false},
		{"list under-indented", strings.Replace(base, "  - {action: inc, state: \"2\"}", " - {action: inc, state: \"2\"}", 1), false},
		{"bad item", strings.Replace(base, `{action: inc, state: "2"}`, `{action: inc, state: "7"}`, 1), true},
		{"item with unknown field", strings.Replace(base, `{action: inc, state: "2"}`, `{action: inc, state: "2", why: x}`, 1), true},
		{"YAML error in the list", strings.Replace(base, `{action: inc, state: "2"}`, `{action: inc, state: "2"`, 1), true},
		{"YAML error before the list", strings.Replace(base, "name: demo", "name: [demo", 1), true},
		{"long list", longList(n, nil), true},
		{"long list, wrong count", strings.Replace(longList(n, nil), fmt.Sprintf("steps: %d", n), "steps: 5", 1), true},
		{"long list, bad item in the last batch", longList(n, func(i int, item string) string {
			if i == late {
				return "  - {action: dec, state: \"1\"}\n"
			}
			return item
		}), true},
		{"long list, YAML error in the last batch", longList(n, func(i int, item string) string {
			if i == late {
				return "  - {action: inc, state: \"x\"\n"
			}
			return item
		}), true},
		{"long list, an alias to an anchor in another batch", longList(n, func(i int, item string) string {
			switch i {
			case 0:
				return "  - {action: &act inc, state: \"1\"}\n"
			case late:
				return fmt.Sprintf("  - {action: *act, state: \"%d\"}\n", i+1)
			}
			return item
		}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, ok := splitExpected(tt.text); ok != tt.split {
				t.Errorf("split = %v, want %v", ok, tt.split)
			}
			got, gotErr := Parse("task.yaml", tt.text)
			want, wantErr := parseWhole("task.yaml", tt.text)
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("batched: %v\nwhole:   %v", gotErr, wantErr)
			}
			if gotErr != nil {
				t.Logf("both: %v", gotErr)
				return
			}
			if !reflect.DeepEqual(got.Expected(), want.Expected()) {
				t.Errorf("expected answers differ")
			}
			if got.Name() != want.Name() || got.Steps() != want.Steps() || got.KeyRule() != want.KeyRule() {
				t.Errorf("tasks differ: %q %d %v, whole %q %d %v", got.Name(), got.Steps(), got.KeyRule(), want.Name(), want.Steps(), want.KeyRule())
			}
		})
	}
}

func TestExpectedStepsKeepLinesAndWrongAnswers(t *testing.T) {
	text := strings.Replace(base, `  - {action: inc, state: "2"}`, "  - action: inc\n    state: \"2\"\n    wrong:\n      - {action: inc, state: \"3\"}\n", 1)
	text = strings.Replace(text, `  - {action: inc, state: "1"}`, `  - {action: inc, state: "1", wrong: [{action: inc, state: "5"}, {action: inc, state: "6"}]}`, 1)
	task, err := Parse("task.yaml", text)
	if err != nil {
		t.Fatal(err)
	}
	want := []Step{
		{Answer: Answer{"inc", "1"}, Wrong: []Answer{{"inc", "5"}, {"inc", "6"}}, Line: 13, before: "0"},
		{Answer: Answer{"inc", "2"}, Wrong: []Answer{{"inc", "3"}}, Line: 14, before: "1"},
	}
	if got := task.Expected(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// FuzzParseBatched: reading the expected list in batches is only a way to
// save memory, so for any input Parse must agree with parsing the file
// whole: the same error, or the same task.
func FuzzParseBatched(f *testing.F) {
	f.Add([]byte(base))
	f.Add([]byte(strings.ReplaceAll(base, "\n  - {", "\n- {")))
	f.Add([]byte(strings.Replace(base, `  - {action: inc, state: "1"}`, "  - action: inc\n    state: \"1\"\n    wrong:\n      - {action: inc, state: \"2\"}", 1)))
	f.Add([]byte(base + "# trailing\nkey:\n  case: upper\n"))
	f.Add([]byte(strings.ReplaceAll(base, "\n", "\r\n")))
	if b, err := os.ReadFile("../examples/yaml/running-sum.yaml"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, gotErr := Parse("fuzz.yaml", string(data))
		want, wantErr := parseWhole("fuzz.yaml", string(data))
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("batched: %v\nwhole:   %v", gotErr, wantErr)
		}
		if gotErr != nil {
			return
		}
		if !reflect.DeepEqual(got.Expected(), want.Expected()) || got.Steps() != want.Steps() || got.Initial() != want.Initial() {
			t.Fatalf("batched and whole parses differ")
		}
	})
}
