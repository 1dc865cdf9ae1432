package mcp

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
	_ "github.com/maker-go/maker/tasks"
)

// TestToolsVocabulary: the tools name the kinds the registry holds and
// every status a run can have, as the API does, so an agent that polls
// get_run knows every end (budget and stopped included).
func TestToolsVocabulary(t *testing.T) {
	lt, err := connect(t, newManager(t)).ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tools := map[string]string{}
	schemas := map[string]json.RawMessage{}
	for _, tool := range lt.Tools {
		tools[tool.Name] = tool.Description
		in, _ := json.Marshal(tool.InputSchema)
		out, _ := json.Marshal(tool.OutputSchema)
		schemas[tool.Name+" in"], schemas[tool.Name+" out"] = in, out
	}
	enum := func(schema json.RawMessage, prop string) []string {
		var s struct {
			Properties map[string]struct {
				Enum []string `json:"enum"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(schema, &s); err != nil {
			t.Fatal(err)
		}
		return s.Properties[prop].Enum
	}
	if got, want := enum(schemas["start_run in"], "kind"), runs.KindNames(); !slices.Equal(got, want) || len(want) < 11 {
		t.Errorf("start_run kinds %v, want the registry's %v", got, want)
	}
	for _, k := range runs.KindNames() {
		if !strings.Contains(tools["start_run"], "- "+k+": ") {
			t.Errorf("start_run's description does not tell kind %s", k)
		}
	}
	if got := enum(schemas["list_runs in"], "status"); !slices.Equal(got, maker.RunStatuses) {
		t.Errorf("list_runs statuses %v, want %v", got, maker.RunStatuses)
	}
	if got := enum(schemas["get_run out"], "status"); !slices.Equal(got, maker.RunStatuses) {
		t.Errorf("get_run statuses %v, want %v", got, maker.RunStatuses)
	}
	for _, st := range maker.RunStatuses {
		if !strings.Contains(tools["get_run"], st+" (") {
			t.Errorf("get_run's description does not tell status %s", st)
		}
		if !strings.Contains(instructions(), st) {
			t.Errorf("the instructions do not name status %s", st)
		}
	}
}
