package mcp

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestLineFilter: what the SDK reads and what is answered for each kind
// of line, including the ends of lines and of the input.
func TestLineFilter(t *testing.T) {
	ping := `{"jsonrpc":"2.0","id":1,"method":"ping"}`
	for _, c := range []struct {
		name, in, sdk, answers string
	}{
		{"one message", ping + "\n", ping + "\n", ""},
		{"CRLF", ping + "\r\n", ping + "\r\n", ""},
		{"no final newline", ping, ping + "\n", ""},
		{"blank lines", "\n  \n" + ping + "\n\n", ping + "\n", ""},
		{"garbage between", ping + "\nnope\n" + ping + "\n", ping + "\n" + ping + "\n", `"code":-32700`},
		{"garbage at the end, no newline", ping + "\nnope", ping + "\n", `"code":-32700`},
		{"a line one byte too long", strings.Repeat("x", len(ping)+1) + "\n" + ping + "\r\n", ping + "\r\n", `"Parse error: line longer than 40 bytes"`},
		{"invalid request keeps its id", `{"jsonrpc":"1.0","id":"a","method":"ping"}` + "\n", "", `"id":"a"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var answers bytes.Buffer
			max := MaxLine
			if strings.Contains(c.name, "too long") {
				max = len(ping) // the next line is just short enough
			}
			f := &lineFilter{src: bufio.NewReaderSize(strings.NewReader(c.in), 16), out: &answers, max: max}
			got, err := io.ReadAll(f)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.sdk {
				t.Errorf("the SDK read %q, want %q", got, c.sdk)
			}
			if c.answers == "" && answers.Len() > 0 || !strings.Contains(answers.String(), c.answers) {
				t.Errorf("answered %q, want %q", answers.String(), c.answers)
			}
			if n := strings.Count(answers.String(), "\n"); c.answers != "" && n != 1 {
				t.Errorf("%d answers, want 1: %q", n, answers.String())
			}
		})
	}
}
