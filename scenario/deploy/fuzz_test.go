package deploy

import (
	"bytes"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
	"github.com/maker-go/maker/scenario/internal/scentest"
)

func fuzzInstance(f *testing.F) (*Instance, []byte) {
	in, err := Generate(6, 2)
	if err != nil {
		f.Fatal(err)
	}
	var b bytes.Buffer
	if err := scenario.Encode(&b, in); err != nil {
		f.Fatal(err)
	}
	return in, b.Bytes()
}

// FuzzParse: any answer text parses or is red-flagged as malformed, and a
// parsed answer written back in the exact format votes the same.
func FuzzParse(f *testing.F) {
	in, _ := fuzzInstance(f)
	task, err := New(in, nil)
	if err != nil {
		f.Fatal(err)
	}
	scentest.FuzzParse(f, task, func(c maker.Candidate[State]) string {
		return scenario.Render(scenario.Lead, c.Action, c.State.Expect)
	})
}

// FuzzRead: any fleet file is read into a fleet the task accepts, or
// rejected as a bad instance.
func FuzzRead(f *testing.F) {
	_, valid := fuzzInstance(f)
	scentest.FuzzRead(f, valid, func(b []byte) (*Instance, error) { return Read(bytes.NewReader(b)) }, func(in *Instance) error {
		_, err := New(in, nil)
		return err
	})
}
