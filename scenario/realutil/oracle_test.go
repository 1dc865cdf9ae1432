package realutil

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/scenutil"
)

func TestAnswers(t *testing.T) {
	ans := NewAnswers(1, "go 1", "at=1")
	ans.Add(1, "go 1", "at=1") // the right answer: dropped
	ans.Add(1, "go 1", "at=0") // right action, wrong expectation
	ans.Add(2, "go 2", "at=1") // wrong action, right expectation
	if ans.Right != Render(Lead, "go 1", "at=1") {
		t.Errorf("Right = %q", ans.Right)
	}
	want := []string{Render(Lead, "go 1", "at=0"), Render(Lead, "go 2", "at=1")}
	if strings.Join(ans.Wrong, "|") != strings.Join(want, "|") {
		t.Errorf("Wrong = %q, want %q", ans.Wrong, want)
	}
}

func TestHintedStep(t *testing.T) {
	next := func(s int) (string, bool) { return "step", s < 3 }
	if s, a, err := HintedStep(maker.Prompt{Hint: scenutil.Hint[int]{State: 2}}, next, "done"); s != 2 || a != "step" || err != nil {
		t.Errorf("HintedStep = %d, %q, %v", s, a, err)
	}
	if _, _, err := HintedStep(maker.Prompt{User: "state 2"}, next, "done"); !errors.Is(err, maker.ErrNotMine) {
		t.Errorf("no hint: %v, want ErrNotMine", err)
	}
	if _, _, err := HintedStep(maker.Prompt{Hint: scenutil.Hint[int]{State: 3}}, next, "done"); err == nil || err.Error() != "done" {
		t.Errorf("settled: %v", err)
	}
}

func TestParseStepAndKey(t *testing.T) {
	upper := func(s string) (string, error) {
		if s == "bad" {
			return "", errors.New("bad action")
		}
		return strings.ToUpper(s), nil
	}
	same := func(s string) (string, error) { return s, nil }
	a, e, err := ParseStep("lead\naction = go  1\nexpected = at=1", upper, same)
	if err != nil || a != "GO  1" || e != "at=1" {
		t.Fatalf("ParseStep = %q, %q, %v", a, e, err)
	}
	if Key(a, e) != "GO 1 | at=1" {
		t.Errorf("Key = %q", Key(a, e))
	}
	for _, text := range []string{"action = bad\nexpected = x", "action = go\n"} {
		if _, _, err := ParseStep(text, upper, same); err == nil {
			t.Errorf("ParseStep(%q) accepted", text)
		}
	}
}

func TestDecodeAndLoad(t *testing.T) {
	type inst struct {
		N int `json:"n"`
	}
	positive := func(in *inst) error {
		if in.N < 1 {
			return errors.New("x: n must be positive")
		}
		return nil
	}
	if in, err := Decode(strings.NewReader(`{"n": 2}`), "x", positive); err != nil || in.N != 2 {
		t.Fatalf("Decode = %v, %v", in, err)
	}
	if _, err := Decode(strings.NewReader(`{"m": 2}`), "x", positive); err == nil || !strings.HasPrefix(err.Error(), "x: instance: ") {
		t.Errorf("unknown field: %v", err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "i.json")
	if err := os.WriteFile(p, []byte(`{"n": 0}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p, "x", positive); err == nil || err.Error() != p+": x: n must be positive" {
		t.Errorf("Load = %v", err)
	}
	if _, err := Load(filepath.Join(dir, "none.json"), "x", positive); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
