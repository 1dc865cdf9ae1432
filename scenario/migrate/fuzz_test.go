package migrate

import (
	"bytes"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
	"github.com/maker-go/maker/scenario/internal/scentest"
)

// FuzzParse: any answer text parses or is red-flagged as malformed, and a
// parsed answer written back in the exact format votes the same.
func FuzzParse(f *testing.F) {
	task := newTask("shop.db", nil, newInstance(DefaultRows, 1), Sums{})
	scentest.FuzzParse(f, task, func(c maker.Candidate[State]) string {
		return scenario.Render(scenario.Lead, c.Action, c.State.Expect)
	})
}

// FuzzRead: any instance file is read into a valid instance or rejected as
// a bad instance.
func FuzzRead(f *testing.F) {
	var b bytes.Buffer
	if err := scenario.Encode(&b, newInstance(DefaultRows, 1)); err != nil {
		f.Fatal(err)
	}
	scentest.FuzzRead(f, b.Bytes(), func(b []byte) (Instance, error) { return Read(bytes.NewReader(b)) }, Instance.Validate)
}
