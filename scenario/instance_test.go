package scenario

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type testInstance struct {
	N int `json:"n"`
}

func positive(in *testInstance) error {
	if in.N < 1 {
		return fmt.Errorf("%w: n must be positive", ErrInstance)
	}
	return nil
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"two values", `{"n":1}{"n":2}`, "data after the JSON value"},
		{"trailing text", `{"n":1} x`, "data after the JSON value"},
		{"unknown field", `{"m":1}`, "unknown field"},
		{"miscased field", `{"N":1}`, "N: unknown field"},
		{"field given twice", `{"n":1,"n":2}`, "n: duplicate field"},
		{"wrong type", `{"n":"x"}`, "n: want int, got JSON string"},
		{"empty", ``, "empty input"},
		{"cut short", `{"n":`, "cut short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v testInstance
			err := Decode(strings.NewReader(tt.text), &v)
			if !errors.Is(err, ErrInstance) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Decode(%q) = %v, want ErrInstance saying %q", tt.text, err, tt.want)
			}
		})
	}
	var v testInstance
	if err := Decode(strings.NewReader(" {\"n\": 3}\n"), &v); err != nil || v.N != 3 {
		t.Errorf("good input: %v, %v", v, err)
	}
}

// endless is a reader that never ends, as /dev/zero or a pipe that is never
// closed; it counts what it hands out.
type endless struct{ read int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	e.read += int64(len(p))
	return len(p), nil
}

func TestDecodeStopsAtTheCap(t *testing.T) {
	r := &endless{}
	var v testInstance
	err := Decode(r, &v)
	if !errors.Is(err, ErrInstance) || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("Decode of an endless input = %v", err)
	}
	if r.read > MaxInstanceBytes+64<<10 {
		t.Errorf("read %d bytes, more than the cap %d", r.read, MaxInstanceBytes)
	}
}

func TestLoadAndRead(t *testing.T) {
	if in, err := Read(strings.NewReader(`{"n": 2}`), positive); err != nil || in.N != 2 {
		t.Fatalf("Read = %v, %v", in, err)
	}
	for _, text := range []string{`{"n": 0}`, `{"m": 1}`, `{"n": 1} {}`, ``} {
		if _, err := Read(strings.NewReader(text), positive); !errors.Is(err, ErrInstance) {
			t.Errorf("Read(%q) = %v, want ErrInstance", text, err)
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "i.json")
	if err := os.WriteFile(p, []byte(`{"n": -1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p, positive); !errors.Is(err, ErrInstance) || !strings.Contains(err.Error(), p) {
		t.Errorf("Load = %v, want ErrInstance naming the file", err)
	}
	big := filepath.Join(dir, "big.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(f, &endless{}, MaxInstanceBytes+1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := Load(big, positive); !errors.Is(err, ErrInstance) || !strings.Contains(err.Error(), big) || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("Load of an oversize file = %v", err)
	}
	if _, err := Load(filepath.Join(dir, "none.json"), positive); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
