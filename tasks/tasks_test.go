package tasks

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/maker-go/maker/runs"
)

// required are the kinds whose command takes an argument: their {} is
// refused, naming the missing field, as the bare command is.
var required = map[string]string{
	"requirements": "params.request: missing",
	"taskfile":     "params.yaml: missing",
}

// TestKindsPrepare prepares every registered kind's {} and documented
// params, reads each prepared params back strictly (they are what the
// journal keeps) and checks that preparing them again changes nothing.
func TestKindsPrepare(t *testing.T) {
	kinds := runs.Kinds()
	if len(kinds) < 11 {
		t.Fatalf("%d kinds registered: %v", len(kinds), runs.KindNames())
	}
	for _, k := range kinds {
		t.Run(k.Name, func(t *testing.T) {
			if k.Command == "" || k.Summary == "" || len(k.Example) == 0 {
				t.Errorf("kind %s lacks its command, summary or example", k.Name)
			}
			if _, err := k.ParamsSchema(); err != nil {
				t.Errorf("schema: %v", err)
			}
			got, err := k.PrepareParams(json.RawMessage(`{}`), runs.Settings{})
			if want, ok := required[k.Name]; ok {
				if !errors.Is(err, runs.ErrInvalid) || !strings.Contains(err.Error(), want) {
					t.Errorf("{}: %v, want an error saying %q", err, want)
				}
			} else if err != nil {
				t.Errorf("{}: %v", err)
			}
			ex, err := k.PrepareParams(k.Example, runs.Settings{})
			if err != nil {
				t.Fatalf("example %s: %v", k.Example, err)
			}
			again, err := k.PrepareParams(ex, runs.Settings{})
			if k.Name == "scenario-migrate" {
				return // its prepared params name the temporary database, which a client may not
			}
			if err != nil || string(again) != string(ex) {
				t.Errorf("prepared twice: %s, %v; want %s", again, err, ex)
			}
			_ = got
		})
	}
}

// TestKindsLocatedErrors: a bad param is refused with the field's name.
func TestKindsLocatedErrors(t *testing.T) {
	for _, c := range []struct{ kind, params, want string }{
		{"hanoi", `{"disks":31}`, "params.disks: want 1 to 30, got 31"},
		{"hanoi", `{"disks":"x"}`, "params: disks"},
		{"hanoi", `{"disk":3}`, "params: disk: unknown field"},
		{"sudoku", `{"blanks":99}`, "params.blanks:"},
		{"sudoku", `{"puzzle":"123"}`, "params.puzzle:"},
		{"cube", `{"scramble":"R R'"}`, "params.scramble: the scramble leaves the cube solved"},
		{"cube", `{"scramble":"Q"}`, "params.scramble:"},
		{"scenario-deps", `{"size":-3}`, "params.size:"},
		{"scenario-migrate", `{"db_file":"/etc/x"}`, "params.db_file: not accepted here"},
		{"requirements", `{"request":"Build a simple task management API","out_md":"/tmp/x.md"}`, "params.out_md: not accepted here"},
		{"requirements", `{"request":"Build a simple task management API","out_json":"x.json"}`, "params.out_json: not accepted here"},
		{"scenario-deploy", `{"bad_version":"nope"}`, "params.bad_version:"},
	} {
		k, ok := runs.LookupKind(c.kind)
		if !ok {
			t.Fatalf("no kind %s", c.kind)
		}
		_, err := k.PrepareParams(json.RawMessage(c.params), runs.Settings{})
		if !errors.Is(err, runs.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: %v, want ErrInvalid saying %q", c.kind, c.params, err, c.want)
		}
	}
}
