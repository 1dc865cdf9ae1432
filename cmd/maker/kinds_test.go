package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/pflag"

	"github.com/maker-go/maker/mcp"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/tasks"
)

// exampleArgs are the command lines of each kind's documented params
// (runs.Kind.Example): the kind's command with the flags that set them.
// A kind missing here fails the test, so a new kind comes with its line.
var exampleArgs = map[string]func(t *testing.T) []string{
	"hanoi":        func(*testing.T) []string { return []string{"hanoi", "--disks", "11"} },
	"sudoku":       func(*testing.T) []string { return []string{"sudoku", "--blanks", "40"} },
	"cube":         func(*testing.T) []string { return []string{"cube", "--scramble-seed", "7"} },
	"requirements": func(*testing.T) []string { return []string{"requirements", "Build a simple task management API"} },
	"taskfile": func(t *testing.T) []string {
		var p tasks.TaskFile
		k, _ := runs.LookupKind("taskfile")
		if err := json.Unmarshal(k.Example, &p); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), p.File)
		if err := os.WriteFile(path, []byte(p.YAML), 0o644); err != nil {
			t.Fatal(err)
		}
		return []string{"run", path}
	},
	"scenario-deps":      scenarioArgs("deps", "12"),
	"scenario-infra":     scenarioArgs("infra", "20"),
	"scenario-interview": scenarioArgs("interview", "5"),
	"scenario-apitest":   scenarioArgs("apitest", "4"),
	"scenario-deploy":    scenarioArgs("deploy", "12"),
	"scenario-migrate": func(*testing.T) []string {
		return []string{"scenario", "migrate", "--size", "1000", "--fail-at", "M08"}
	},
}

func scenarioArgs(name, size string) func(*testing.T) []string {
	return func(*testing.T) []string { return []string{"scenario", name, "--size", size, "--instance-seed", "7"} }
}

// requiredParam are the kinds whose command takes an argument: their {}
// is refused as the bare command is, naming the missing field.
var requiredParam = map[string]string{"requirements": "params.request: missing", "taskfile": "params.yaml: missing"}

// TestEveryKindStartsLikeItsCommand starts every registered kind through
// POST /v1/runs and MCP's start_run, with {} params and with its
// documented ones, and checks that each run decides the same steps as
// the kind's command with the same flags (none for {}).
func TestEveryKindStartsLikeItsCommand(t *testing.T) {
	t.Parallel() // a service and journals of its own
	dir := t.TempDir()
	cliDB := filepath.Join(dir, "cli.db")
	svc := startTestService(t, filepath.Join(dir, "service.db"))
	ctx := context.Background()
	st, ct := sdk.NewInMemoryTransports()
	ss, err := mcp.NewServer(svc.mgr, nil).Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()

	for _, k := range runs.Kinds() {
		if k.Open == nil {
			t.Errorf("kind %s: this maker cannot open its runs", k.Name)
		}
		ex, ok := exampleArgs[k.Name]
		if !ok {
			t.Errorf("kind %s: no command line for its documented params %s", k.Name, k.Example)
			continue
		}
		for _, c := range []struct {
			name   string
			params json.RawMessage
			args   []string
		}{
			{"{}", json.RawMessage(`{}`), strings.Fields(k.Command)},
			{"example", k.Example, ex(t)},
		} {
			t.Run(k.Name+" "+c.name, func(t *testing.T) {
				spec := map[string]any{"kind": k.Name, "params": c.params}
				if want, ok := requiredParam[k.Name]; ok && c.name == "{}" {
					var e struct{ Error string }
					if code := svc.do("POST", "/v1/runs", spec, &e); code != http.StatusBadRequest || !strings.Contains(e.Error, want) {
						t.Errorf("POST /v1/runs: %d %q, want 400 saying %q", code, e.Error, want)
					}
					res := callTool(t, cs, "start_run", spec)
					if !res.IsError || !strings.Contains(resultText(res), want) {
						t.Errorf("start_run: %v %q, want an error saying %q", res.IsError, resultText(res), want)
					}
					var out, errb bytes.Buffer
					if code := run(ctx, append(c.args, "--db", cliDB, "-q"), &out, &errb); code != exitUsage {
						t.Errorf("maker %v: exit %d, want %d", c.args, code, exitUsage)
					}
					return
				}
				cli := cliRun(t, cliDB, serviceCase{name: k.Name, args: c.args})
				want := actions(loadSteps(t, cliDB, cli.ID))
				if len(want) == 0 {
					t.Fatalf("maker %v decided no step", c.args)
				}
				var created struct{ ID string }
				if code := svc.do("POST", "/v1/runs", spec, &created); code != http.StatusCreated {
					t.Fatalf("POST /v1/runs %s: %d", c.params, code)
				}
				var started mcp.RunID
				structured(t, "start_run", callTool(t, cs, "start_run", spec), &started)
				for front, id := range map[string]string{"API": created.ID, "MCP": started.ID} {
					in := svc.wait(id, 2*time.Minute)
					if in.Status != cli.Status {
						t.Errorf("%s: run %s ended %s, the command's %s", front, id, in.Status, cli.Status)
					}
					if got := actions(loadSteps(t, svc.db, id)); !slices.Equal(got, want) {
						t.Errorf("%s: run %s decided %d steps %.200q, the command %d %.200q", front, id, len(got), got, len(want), want)
					}
				}
			})
		}
	}
}

func actions(steps []journaledStep) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = s.Action
	}
	return out
}

// TestServiceDocNamesEveryKind: the service's guide lists the kinds the
// registry holds.
func TestServiceDocNamesEveryKind(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "service.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range runs.KindNames() {
		if !strings.Contains(string(b), "`"+k+"`") {
			t.Errorf("docs/service.md does not name kind %s", k)
		}
	}
}

// TestEveryRunFlagIsASetting: every run flag is a typed setting of a run
// spec (runs.Settings), or one a spec may not set (runs.RefusedSettings),
// so maker submit, the API and MCP can ask for whatever the command line
// can.
func TestEveryRunFlagIsASetting(t *testing.T) {
	fs := pflag.NewFlagSet("run flags", pflag.ContinueOnError)
	new(runs.Flags).Register(fs)
	settings := runs.SettingNames()
	fs.VisitAll(func(fl *pflag.Flag) {
		if _, refused := runs.RefusedSettings[fl.Name]; !refused && !slices.Contains(settings, fl.Name) {
			t.Errorf("run flag --%s is neither a runs.Settings field nor in runs.RefusedSettings", fl.Name)
		}
	})
	for _, name := range settings {
		if fs.Lookup(name) == nil {
			t.Errorf("setting %s is no run flag", name)
		}
	}
}
