package taskfile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sim"
)

// realisticSim is the simulator writing right answers in several spellings
// and, now and then, broken JSON, as real models do.
func realisticSim(t *testing.T, task *Task) *sim.Model {
	t.Helper()
	oracle, err := task.Oracle()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := sim.ParseName("sim/real?spellings=0.4&bad_json=0.03", sim.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	model, err := sim.New(oracle, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return model
}

// TestJSONKeysExample runs examples/yaml/json-keys.yaml on the realistic
// simulator at k=3: with key.json every step is decided right at no more
// than 3.3 samples a step; with exact keys the same run needs at least 30%
// more samples, or does not converge at all.
func TestJSONKeysExample(t *testing.T) {
	const path = "../examples/yaml/json-keys.yaml"
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	task, err := Parse(path, string(text))
	if err != nil {
		t.Fatal(err)
	}
	checkWallet(t, task)

	run := func(task *Task) (*maker.Result[string], error) {
		return maker.Run(context.Background(), task, realisticSim(t, task), maker.Config{K: 3, Ordered: true})
	}
	res, err := run(task)
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	perStep := float64(s.Samples) / float64(s.Steps)
	t.Logf("key.json: %d steps, %d wrong, %d samples (%.3f a step), flagged %v", s.Steps, s.WrongSteps, s.Samples, perStep, s.Flagged)
	if !s.Success || s.Steps != 200 || s.WrongSteps != 0 {
		t.Fatalf("key.json: success %v, %d steps, %d wrong", s.Success, s.Steps, s.WrongSteps)
	}
	if perStep > 3.3 {
		t.Errorf("key.json: %.3f samples a step, want at most 3.3", perStep)
	}
	if s.Flagged[maker.FlagMalformed] == 0 {
		t.Error("the realistic simulator wrote no broken JSON in 200 steps")
	}

	exact := strings.Replace(string(text), "\n  json: true\n", "\n  json: false\n", 1)
	if exact == string(text) {
		t.Fatal("could not turn key.json off in the example")
	}
	et, err := Parse(path, exact)
	if err != nil {
		t.Fatal(err)
	}
	eres, err := run(et)
	if err != nil {
		var nc *maker.NoConsensusError
		if !errors.As(err, &nc) {
			t.Fatalf("exact keys: %v", err)
		}
		t.Logf("exact keys: no consensus after %d steps: %v", eres.Summary.Steps, err)
		return
	}
	es := eres.Summary
	ePerStep := float64(es.Samples) / float64(es.Steps)
	t.Logf("exact keys: %d steps, %d wrong, %d samples (%.3f a step, %.0f%% more)", es.Steps, es.WrongSteps, es.Samples, ePerStep, 100*(ePerStep/perStep-1))
	if ePerStep < 1.3*perStep && es.WrongSteps == 0 {
		t.Errorf("exact keys: %.3f samples a step, not 30%% more than key.json's %.3f", ePerStep, perStep)
	}
}

// checkWallet checks the example's expected answers against the rule its
// prompt states, so that the run is tested against right answers.
func checkWallet(t *testing.T, task *Task) {
	t.Helper()
	exp := task.Expected()
	if len(exp) != 200 || task.Steps() != 200 {
		t.Fatalf("json-keys: %d expected answers, %d steps", len(exp), task.Steps())
	}
	w := map[string]*big.Rat{"bank": new(big.Rat), "card": new(big.Rat), "cash": new(big.Rat)}
	for i, s := range exp {
		n := i + 1
		acct := []string{"cash", "bank", "card"}[n%3]
		amt := big.NewRat(int64(n), 4)
		w[acct].Add(w[acct], amt)
		var got map[string]json.Number
		if err := json.Unmarshal([]byte(s.State), &got); err != nil {
			t.Fatalf("step %d: %v", n, err)
		}
		if want := fmt.Sprintf("deposit %s %s", ratText(amt), acct); s.Action != want {
			t.Fatalf("step %d: action %q, want %q", n, s.Action, want)
		}
		for name, v := range w {
			if r, ok := new(big.Rat).SetString(string(got[name])); !ok || r.Cmp(v) != 0 {
				t.Fatalf("step %d: %s is %s, want %s", n, name, got[name], ratText(v))
			}
		}
		if string(got["step"]) != fmt.Sprint(n) {
			t.Fatalf("step %d: step is %s", n, got["step"])
		}
	}
}

func ratText(r *big.Rat) string {
	s, _ := maker.CanonicalNumber(r.FloatString(2))
	return s
}

func TestKeyRules(t *testing.T) {
	for _, tc := range []struct {
		name, key string
		same      [][2]string // answers (action, state) that must share a key
		differ    [][2]string // answers that must not
	}{
		{"json", "json: true",
			[][2]string{{"set", `{"b": 1.50, "a": [1, 2]}`}, {"set", `{"a":[1,2],"b":1.5}`}, {"set", "{\n  \"a\": [1,2],\n  \"b\": 15e-1\n}"}},
			[][2]string{{"set", `{"a":[1,2],"b":1.51}`}, {"set", `{"a":[2,1],"b":1.5}`}, {"set", `{"a":[1,2],"b":"1.5"}`}, {"Set", `{"a":[1,2],"b":1.5}`}}},
		{"json leaves text alone", "json: true",
			[][2]string{{"add 1.50", "total 3"}, {"add 1.50", "total  3"}},
			[][2]string{{"add 1.5", "total 3"}}},
		{"json with a duplicate key is not merged", "json: true",
			[][2]string{{"x", `{"a":1,"a":2}`}},
			[][2]string{{"x", `{"a":2}`}, {"x", `{"a":1}`}}},
		{"number", "number: true",
			[][2]string{{"pay 1.50", "total: 2.0"}, {"pay 1.5", "total: 2"}, {"pay 15e-1", "total: 2.00"}},
			[][2]string{{"pay 1.51", "total: 2"}, {"pay 1.5", "total: 2.01"}}},
		{"tolerance", "number: {tolerance: 0.01}",
			[][2]string{{"pay", "2.004"}, {"pay", "1.996"}, {"pay", "2"}},
			[][2]string{{"pay", "2.01"}, {"pay", "1.99"}}},
		{"json and tolerance", "{json: true, number: {tolerance: 0.5}}",
			[][2]string{{"a", `{"x": 1.1}`}, {"a", `{"x":0.9}`}},
			[][2]string{{"a", `{"x": 1.5}`}}},
		{"regex_replace", `{regex_replace: [{pattern: '\.$', replace: ""}, {pattern: '^(?i)move:\s*', replace: "move "}], case: lower}`,
			[][2]string{{"Move: e4.", "board 1"}, {"move e4", "board 1."}, {"MOVE:e4", "Board 1"}},
			[][2]string{{"move e5", "board 1"}, {"move e4", "board 2"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rule := tc.key
			if !strings.HasPrefix(rule, "{") {
				rule = "{" + rule + "}"
			}
			task, err := Parse("keys.yaml", keyTaskFile("key: "+rule))
			if err != nil {
				t.Fatal(err)
			}
			key := func(a [2]string) string { return task.Key(maker.Candidate[string]{Action: a[0], State: a[1]}) }
			first := key(tc.same[0])
			for _, a := range tc.same[1:] {
				if got := key(a); got != first {
					t.Errorf("%q: key %s, want %s (as %q)", a, got, first, tc.same[0])
				}
			}
			for _, a := range tc.differ {
				if got := key(a); got == first {
					t.Errorf("%q: key %s, the same as %q's", a, got, tc.same[0])
				}
			}
		})
	}
}

func keyTaskFile(key string) string {
	return `name: keys
system: s
user: "{{.State}}"
initial: "0"
answer:
  regex: '(?s)action: (?P<action>.*)\nstate: (?P<state>.*)'
` + key + `
done:
  steps: 3
`
}

func TestKeyFileErrors(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{"key: {json: yes please}", "keys.yaml:7: key.json: want true or false"},
		{"key: {number: {tolerance: 0}}", "keys.yaml:7: key.number.tolerance: tolerance 0: want a number above 0"},
		{"key: {number: {tolerance: abc}}", `keys.yaml:7: key.number.tolerance: tolerance: "abc" is not a number`},
		{"key: {number: {step: 1}}", "keys.yaml:7: key.number.step: unknown field (want one of tolerance)"},
		{"key: {number: maybe}", `keys.yaml:7: key.number: want true or {tolerance: 0.01}, got "maybe"`},
		{"key: {regex_replace: [{pattern: '('}]}", "keys.yaml:7: key.regex_replace[0].pattern: error parsing regexp"},
		{"key: {regex_replace: [{replace: x}]}", "keys.yaml:7: key.regex_replace[0].pattern: required"},
		{"key: {regex_replace: []}", "keys.yaml:7: key.regex_replace: want a list of {pattern, replace}"},
		{"key: {command: []}", "keys.yaml:7: key.command: want the program and its arguments as a list"},
		{"key: {command: [./no-such-program]}", "keys.yaml:7: key.command[0]: no-such-program: no such file"},
		{"key: {command: {command: [sh], env: [OPENAI_API_KEY]}}", "keys.yaml:7: key.command.env[0]: OPENAI_API_KEY holds a credential"},
		{"key: {fuzzy: true}", "keys.yaml:7: key.fuzzy: unknown field"},
	} {
		_, err := Parse("keys.yaml", keyTaskFile(tc.key))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.key, err, tc.want)
		}
	}
	_, err := ParseWith("keys.yaml", keyTaskFile("key: {command: [sh, -c, cat]}"), Options{NoExecute: true})
	if err == nil || !strings.Contains(err.Error(), "key.command: runs a program on the server") {
		t.Errorf("key.command with NoExecute: %v", err)
	}
}

// TestKeyCommand runs a key program: started once for many answers, in the
// box execute uses (no credential in its environment), and a program that
// hangs or dies fails the check of the step instead of passing unnoticed.
func TestKeyCommand(t *testing.T) {
	dir := t.TempDir()
	script := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Keys by the lower-cased line, and counts its starts in a file.
	script("lower.sh", `echo start >> "$STARTS"
while IFS= read -r line; do
  printf '%s %s\n' "$(printf '%s' "$line" | tr 'A-Z' 'a-z')" "${OPENAI_API_KEY:-nokey}"
done
`)
	script("hang.sh", "sleep 30\n")
	script("die.sh", "read -r line; exit 3\n")
	t.Setenv("OPENAI_API_KEY", "sk-test-secret-value-1234567890")
	starts := filepath.Join(dir, "starts")

	path := filepath.Join(dir, "keys.yaml")
	task, err := Parse(path, keyTaskFile(fmt.Sprintf("key: {command: {command: [./lower.sh], env: [STARTS=%s], timeout: 5s}}", starts)))
	if err != nil {
		t.Fatal(err)
	}
	defer task.Close()
	a := task.Key(maker.Candidate[string]{Action: "Move E4", State: "Board 1"})
	b := task.Key(maker.Candidate[string]{Action: "move e4", State: "board 1"})
	c := task.Key(maker.Candidate[string]{Action: "move e5", State: "board 1"})
	if a != b || a == c || !strings.HasSuffix(a, " nokey") {
		t.Fatalf("keys %q %q %q: want the first two equal, ending in nokey", a, b, c)
	}
	if err := task.Err(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(starts); strings.Count(string(got), "start") != 1 {
		t.Errorf("the program started %d times for three answers, want once", strings.Count(string(got), "start"))
	}

	for _, tc := range []struct{ prog, want string }{
		{"hang.sh", "key.command: the program gave no key within 300ms"},
		{"die.sh", "key.command: the program exited: exit status 3"},
	} {
		task, err := Parse(path, keyTaskFile(fmt.Sprintf("key: {command: {command: [./%s], timeout: 300ms}}", tc.prog)))
		if err != nil {
			t.Fatal(err)
		}
		task.Key(maker.Candidate[string]{Action: "a", State: "b"})
		err = task.Check(0, "0", maker.Candidate[string]{Action: "a", State: "b"})
		task.Close()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: check says %v, want %q", tc.prog, err, tc.want)
		}
	}
}
