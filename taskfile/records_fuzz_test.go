package taskfile

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzRecords feeds arbitrary bytes to every input reader. An input file is
// outside input: reading it must end in records and io.EOF or in an error,
// never a panic or a hang, and a record must be what a template can show:
// valid UTF-8, with a line number that grows.
func FuzzRecords(f *testing.F) {
	for _, s := range []string{
		"{\"n\": 1}\n{\"n\": 2, \"x\": {\"y\": [1, null]}}\n",
		"n,who\n1,\"a, b\"\n2,\"multi\nline\"\n",
		"n,who\n1\n",
		"alpha\n\nbeta\r\ngamma",
		"{\"n\": 1} 2\n",
		"\"unclosed\n",
		"\xff\xfe\n",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		for _, format := range []string{formatJSONL, formatCSV, formatLines} {
			rr, err := newRecordReader(format, strings.NewReader(data))
			if err != nil {
				continue
			}
			last := 0
			for range len(data) + 2 {
				r, err := rr.next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					if re, ok := errors.AsType[*recordError](err); ok && re.line < 1 {
						t.Fatalf("%s: error %q at line %d", format, err, re.line)
					}
					break
				}
				if r.Line <= last {
					t.Fatalf("%s: record at line %d after line %d", format, r.Line, last)
				}
				last = r.Line
				if format != formatLines && r.Fields == nil {
					t.Fatalf("%s: record %q without fields", format, r.Text)
				}
				_ = inputData(r)
			}
		}
	})
}
