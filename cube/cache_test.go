package cube

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCacheWrittenAndReloaded(t *testing.T) {
	info := testSolver.TableInfo()
	if info.Path != filepath.Join(testCacheDir, tableFile) {
		t.Fatalf("cache path %q", info.Path)
	}
	t.Logf("initial tables: loaded=%v in %v", info.Loaded, info.Duration)
	s, err := NewSolver(testCacheDir)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.TableInfo(); !got.Loaded || got.CacheErr != nil {
		t.Fatalf("second solver did not load the cache: %+v", got)
	}
	t.Logf("reload: %v", s.TableInfo().Duration)
	if !bytes.Equal(encodeTables(s.t), encodeTables(testSolver.t)) {
		t.Fatal("reloaded tables differ from built ones")
	}
}

func TestDecodeRejectsBadFile(t *testing.T) {
	good := encodeTables(testSolver.t)
	if _, err := decodeTables(good); err != nil {
		t.Fatalf("good file rejected: %v", err)
	}
	tests := []struct {
		name    string
		corrupt func([]byte) []byte
		wantErr string
	}{
		{"empty", func([]byte) []byte { return nil }, "no valid header"},
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }, "payload is"},
		{"extended", func(b []byte) []byte { return append(b, 0) }, "payload is"},
		{"bad magic", func(b []byte) []byte { b[0] ^= 0xff; return b }, "no valid header"},
		{"old version", func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[len(tableMagic):], tableVersion+1)
			return b
		}, "version"},
		{"flipped payload byte", func(b []byte) []byte { b[len(b)-100] ^= 1; return b }, "checksum"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeTables(tc.corrupt(append([]byte(nil), good...)))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("decodeTables error = %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}

// TestCacheRebuildsCorruptFile checks the whole path: a corrupt file is
// reported, replaced by freshly built tables, and usable afterwards.
func TestCacheRebuildsCorruptFile(t *testing.T) {
	good := encodeTables(testSolver.t)
	dir := t.TempDir()
	path := filepath.Join(dir, tableFile)
	bad := append([]byte(nil), good...)
	bad[len(bad)/2] ^= 0x10
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := NewSolver(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info := s.TableInfo(); info.Loaded || info.CacheErr == nil {
		t.Fatalf("corrupt cache file was accepted: %+v", info)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, good) {
		t.Fatal("cache file was not rewritten with good tables")
	}
	s2, err := NewSolver(dir)
	if err != nil || !s2.TableInfo().Loaded {
		t.Fatalf("rewritten cache not loaded: %v %+v", err, s2.TableInfo())
	}
}

func TestCacheUnwritableExplicitDir(t *testing.T) {
	// A regular file where the directory should be cannot be created as a
	// directory, even when running as root.
	blocker := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := NewSolver(filepath.Join(blocker, "cube"))
	if err == nil {
		t.Fatal("NewSolver did not report the unwritable cache")
	}
	if s == nil {
		t.Fatal("NewSolver returned no solver")
	}
	c, _ := Scramble(3)
	sol, err := s.Solve(t.Context(), c, 22, 0)
	if err != nil || !c.ApplySequence(sol).IsSolved() {
		t.Fatalf("solver without cache failed: %v", err)
	}
}
