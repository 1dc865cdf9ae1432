package interview

import (
	"bytes"
	"testing"

	"github.com/maker-go/maker/scenario"
	"github.com/maker-go/maker/scenario/internal/scentest"
)

// FuzzParse: any answer text parses or is red-flagged as malformed.
func FuzzParse(f *testing.F) {
	scentest.FuzzParse(f, scentest.Must(f, Generate, New, 8, 3), nil)
}

// FuzzRead: any instance file is read into an instance the task accepts,
// or rejected as a bad instance.
func FuzzRead(f *testing.F) {
	in, err := Generate(6, 2)
	if err != nil {
		f.Fatal(err)
	}
	var b bytes.Buffer
	if err := scenario.Encode(&b, in); err != nil {
		f.Fatal(err)
	}
	scentest.FuzzRead(f, b.Bytes(), func(b []byte) (*Instance, error) { return Read(bytes.NewReader(b)) }, func(in *Instance) error {
		_, err := New(in)
		return err
	})
}
