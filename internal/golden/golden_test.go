package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that records failures instead of stopping.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Fatal(...any)          { r.failed = true }

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "x.golden")
	tests := []struct {
		name     string
		update   bool
		got      string
		wantFail bool
	}{
		{"missing file", false, "a", true},
		{"update writes", true, "a\n", false},
		{"same", false, "a\n", false},
		{"different", false, "b\n", true},
	}
	for _, tc := range tests {
		*update = tc.update
		r := &recorder{TB: t}
		Check(r, path, []byte(tc.got))
		if r.failed != tc.wantFail {
			t.Errorf("%s: failed = %v, want %v", tc.name, r.failed, tc.wantFail)
		}
	}
	*update = false
	if b, _ := os.ReadFile(path); string(b) != "a\n" {
		t.Errorf("file holds %q after update", b)
	}
}

func TestFirstDiff(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"x\ny\nz", "x\ny\nw", 3},
		{"x", "y", 1},
		{"x\ny", "x", 2},
	}
	for _, tc := range tests {
		if got := firstDiff([]byte(tc.a), []byte(tc.b)); got != tc.want {
			t.Errorf("firstDiff(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
