package taskfile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sim"
)

// TestSQLValidatorExample runs examples/yaml/sql.yaml on a simulator that
// errs often: its wrong answers are half malformed SQL, which the file's
// validator rejects before they vote, each with the parser's reason, and
// half well-formed wrong SQL, which only the vote can outweigh.
func TestSQLValidatorExample(t *testing.T) {
	task := load(t, "../examples/yaml/sql.yaml")
	defer task.Close()
	oracle, err := task.Oracle()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := sim.ParseName("sim/sloppy?error=0.3&flag_share=0", sim.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	model, err := sim.New(oracle, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := maker.Run(context.Background(), task, model, maker.Config{K: 3, Ordered: true})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	t.Logf("flagged %v, invalid by reason %v", s.Flagged, s.Invalid)
	if !s.Success || s.WrongSteps != 0 || s.Steps != 6 {
		t.Fatalf("success %v, %d steps, %d wrong", s.Success, s.Steps, s.WrongSteps)
	}
	if s.Flagged[maker.FlagInvalid] == 0 || len(s.Invalid) == 0 {
		t.Fatalf("no sample was flagged invalid: %v", s.Flagged)
	}
	var total int64
	for why, n := range s.Invalid {
		total += n
		if !strings.Contains(why, "expected") && !strings.Contains(why, "unterminated") && !strings.Contains(why, "columns but") && !strings.Contains(why, "not a statement") {
			t.Errorf("reason %q is not the parser's", why)
		}
	}
	if total != s.Flagged[maker.FlagInvalid] {
		t.Errorf("%d reasons counted for %d invalid samples", total, s.Flagged[maker.FlagInvalid])
	}
}

// TestValidateProgram: exit 0 is valid, exit 1 invalid with the reason the
// program printed; any other end rejects the answer saying the validator
// failed; the program sees the state and the candidate, never a key.
func TestValidateProgram(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "v.sh")
	if err := os.WriteFile(prog, []byte(`#!/bin/sh
in=$(cat)
case "$in" in
  *OPENAI*|*sk-test*) echo "saw a secret"; exit 1 ;;
  *'"action":"ok"'*) exit 0 ;;
  *'"action":"crash"'*) echo boom >&2; exit 7 ;;
  *'"action":"hang"'*) sleep 30 ;;
  *'"state":"s0"'*) echo "illegal from s0"; echo more; exit 1 ;;
esac
exit 1
`), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OPENAI_API_KEY", "sk-test-secret-value-1234567890")
	file := keyTaskFile("validate: {command: [./v.sh], timeout: 500ms}\nkey: {}")
	task, err := Parse(filepath.Join(dir, "v.yaml"), file)
	if err != nil {
		t.Fatal(err)
	}
	defer task.Close()
	ctx := context.Background()
	for _, tc := range []struct{ state, action, want string }{
		{"s1", "ok", ""},
		{"s0", "move", "illegal from s0"},
		{"s1", "move", "rejected by the validator"},
		{"s1", "crash", "validator failed: exit status 7; stderr: boom"},
		{"s1", "hang", "validator failed: no answer within 500ms"},
	} {
		err := task.Validate(ctx, tc.state, maker.Candidate[string]{Action: tc.action, State: "next"})
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s from %s: %q, want %q", tc.action, tc.state, got, tc.want)
		}
	}
	if _, err := ParseWith("v.yaml", file, Options{NoExecute: true}); err == nil || !strings.Contains(err.Error(), "validate: runs a program on the server") {
		t.Errorf("validate with NoExecute: %v", err)
	}
	if _, err := Parse("v.yaml", keyTaskFile("validate: {command: [./none.sh]}")); err == nil || !strings.Contains(err.Error(), "v.yaml:7: validate.command[0]: none.sh: no such file") {
		t.Errorf("missing program: %v", err)
	}
}
