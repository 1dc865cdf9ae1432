// Package golden compares test output with a file kept under testdata, so a
// change to generated text, such as a task's rendered prompt, shows up in
// review as a diff of that file. Run a package's tests with -update to
// rewrite its files after an intended change, then review the diff:
//
//	go test ./hanoi/ -update
//
// Pass -update to the packages that use golden files only: a test binary
// that does not import this package rejects the flag.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files with the output the tests produce")

// Check fails t unless got equals the contents of the golden file at path.
// With -update it writes got to path instead (creating its directory).
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
		t.Errorf("%s differs from the output from line %d (run the test with -update to accept it):\n--- want\n%s\n--- got\n%s", path, firstDiff(want, got), want, got)
	}
}

// firstDiff returns the 1-based number of the first line where a and b
// differ.
func firstDiff(a, b []byte) int {
	al, bl := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(al), len(bl)) {
		if !bytes.Equal(al[i], bl[i]) {
			return i + 1
		}
	}
	return min(len(al), len(bl)) + 1
}
