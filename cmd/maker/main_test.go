package main

import (
	"fmt"
	"os"
	"testing"
)

// TestMain points the default journal at a scratch directory, so
// that commands the tests run in-process never write into the user's own
// data directory.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "maker-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_DATA_HOME", dir+"/data")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
