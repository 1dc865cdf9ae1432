// Package golden compares text a test renders with a file under testdata,
// so a change to the product's most sensitive text (its prompts) shows up
// in review as a diff. `go test ./pkg/ -update` rewrites the files.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files with the text the tests render")

// Check compares got with the file at path, or writes got there under
// -update. A difference fails the test with both texts.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the rendered text (check the change, then rerun with -update)\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}
