package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestWritesTheCommittedFiles: the ledger example's data is what this
// program writes, so it can be regenerated at another length.
func TestWritesTheCommittedFiles(t *testing.T) {
	dir := t.TempDir()
	if err := write(dir, 10000, 14); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ledger.jsonl", "ledger.expected.jsonl"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the committed file", name)
		}
	}
}
