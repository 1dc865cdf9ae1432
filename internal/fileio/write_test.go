package fileio

import (
	"os"
	"path/filepath"
	"testing"
)

// A device at the path is written in place, never replaced by a file.
func TestWriteFileKeepsDevices(t *testing.T) {
	if err := WriteFile(os.DevNull, []byte("x")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode()&os.ModeDevice == 0 {
		t.Fatalf("%s is no longer a device: %v", os.DevNull, st.Mode())
	}
}

// A regular file is replaced whole; a discarded write leaves the old one.
func TestOutputReplacesOrKeeps(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.txt")
	if err := WriteFile(path, []byte("old")); err != nil {
		t.Fatal(err)
	}
	o, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("half"))
	o.Discard()
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("after a discarded write the file holds %q, want %q", b, "old")
	}
	if err := WriteFile(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Fatalf("file holds %q, want %q", b, "new")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("%d files in the directory, want 1 (no temporary left)", len(entries))
	}
}

// A path whose directory does not exist fails at Create.
func TestCreateFailsEarly(t *testing.T) {
	if _, err := Create(filepath.Join(t.TempDir(), "no", "such", "dir.html")); err == nil {
		t.Fatal("Create in a missing directory succeeded")
	}
}
