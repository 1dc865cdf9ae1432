package scentest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker/scenario"
)

// LoaderIsStrict checks that a scenario's Load goes through the one strict
// loader: valid, a good instance file, loads; the same file with data after
// it, glued to a second value, padded past [scenario.MaxInstanceBytes] (with
// white space only, so it is still valid JSON) or empty is rejected with
// [scenario.ErrInstance] and an error that names the file and the fault.
func LoaderIsStrict(t *testing.T, valid []byte, load func(string) error) {
	t.Helper()
	dir := t.TempDir()
	pad := bytes.Repeat([]byte(" "), scenario.MaxInstanceBytes+1-len(valid))
	tests := []struct {
		name string
		body []byte
		want string // "" for a file that loads
	}{
		{"valid", valid, ""},
		{"valid with trailing white space", append(append([]byte{}, valid...), "\n\n"...), ""},
		{"trailing data", append(append([]byte{}, valid...), " x"...), "data after the JSON value"},
		{"second value", append(append([]byte{}, valid...), valid...), "data after the JSON value"},
		{"oversize", append(append([]byte{}, valid...), pad...), "larger than"},
		{"empty", nil, "empty input"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, "instance"+string(rune('a'+i))+".json")
			if err := os.WriteFile(p, tt.body, 0o644); err != nil {
				t.Fatal(err)
			}
			err := load(p)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("load of a good file: %v", err)
				}
				return
			}
			if !errors.Is(err, scenario.ErrInstance) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), p) {
				t.Fatalf("load = %v, want ErrInstance naming the file and %q", err, tt.want)
			}
		})
	}
}
