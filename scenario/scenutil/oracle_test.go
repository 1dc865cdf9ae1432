package scenutil

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

func TestTrace(t *testing.T) {
	// The rule counts down to zero: the trace is every value it leaves.
	next := func(n int) (string, int, bool) { return fmt.Sprint(n), n - 1, n > 0 }
	if got := fmt.Sprint(Trace(3, next)); got != "[3 2 1]" {
		t.Errorf("Trace = %s", got)
	}
	if got := Trace(0, next); len(got) != 0 {
		t.Errorf("Trace from a final state = %v", got)
	}
}

func TestAddWrong(t *testing.T) {
	ans := maker.Answer{Right: "r"}
	for _, w := range []string{"a", "r", "b", "a"} {
		AddWrong(&ans, w)
	}
	if fmt.Sprint(ans.Wrong) != "[a b]" {
		t.Errorf("Wrong = %q, want the distinct wrong ones in order", ans.Wrong)
	}
}

func TestStateOf(t *testing.T) {
	read := func(user string) (int, error) {
		if user != "state 7" {
			return 0, maker.ErrNotMine
		}
		return 7, nil
	}
	tests := []struct {
		name string
		p    maker.Prompt
		want int
		err  error
	}{
		{"hint", maker.Prompt{User: "state 7", Hint: Hint[int]{State: 3}}, 3, nil},
		{"text", maker.Prompt{User: "state 7"}, 7, nil},
		{"other task's hint", maker.Prompt{User: "x", Hint: Hint[string]{State: "3"}}, 0, maker.ErrNotMine},
		{"other text", maker.Prompt{User: "x"}, 0, maker.ErrNotMine},
	}
	for _, tt := range tests {
		got, err := StateOf(tt.p, read)
		if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("%s: StateOf = %d, %v; want %d, %v", tt.name, got, err, tt.want, tt.err)
		}
	}
}

func TestLoadAndRead(t *testing.T) {
	type inst struct {
		N int `json:"n"`
	}
	positive := func(in *inst) error {
		if in.N < 1 {
			return fmt.Errorf("%w: n must be positive", ErrInstance)
		}
		return nil
	}
	if in, err := Read(strings.NewReader(`{"n": 2}`), positive); err != nil || in.N != 2 {
		t.Fatalf("Read = %v, %v", in, err)
	}
	for _, text := range []string{`{"n": 0}`, `{"m": 1}`, `{"n": 1} {}`, ``} {
		if _, err := Read(strings.NewReader(text), positive); !errors.Is(err, ErrInstance) {
			t.Errorf("Read(%q) = %v, want ErrInstance", text, err)
		}
	}
	p := filepath.Join(t.TempDir(), "i.json")
	if err := os.WriteFile(p, []byte(`{"n": -1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p, positive); !errors.Is(err, ErrInstance) || !strings.Contains(err.Error(), p) {
		t.Errorf("Load = %v, want ErrInstance naming the file", err)
	}
}
