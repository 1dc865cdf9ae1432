package migrate

import (
	"bytes"
	"testing"

	"github.com/maker-go/maker/scenario"
	"github.com/maker-go/maker/scenario/internal/scentest"
)

// TestLoaderIsStrict: an instance file is read by the one strict loader, so
// trailing data, a second value and an oversize file are rejected as they
// are for every scenario.
func TestLoaderIsStrict(t *testing.T) {
	in, err := Generate(DefaultRows, 1)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := scenario.Encode(&b, in); err != nil {
		t.Fatal(err)
	}
	scentest.LoaderIsStrict(t, b.Bytes(), func(p string) error {
		_, err := Load(p)
		return err
	})
}
