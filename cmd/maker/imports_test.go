package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryImportsNoExample keeps examples out of the shipped binary: an
// example is there to be read and copied, and may change at any time.
func TestBinaryImportsNoExample(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/maker-go/maker/examples/") {
			t.Errorf("maker imports %s", pkg)
		}
	}
}
