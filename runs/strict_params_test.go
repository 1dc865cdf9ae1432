package runs_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/maker-go/maker/runs"
)

// TestDescriptionParamsExact: a run description's params are read
// strictly: a field name spelt in another case, or given twice, is a bad
// description naming the field, not a run of whichever value won.
func TestDescriptionParamsExact(t *testing.T) {
	yaml, err := os.ReadFile("../examples/yaml/running-sum.yaml")
	if err != nil {
		t.Fatal(err)
	}
	y, _ := json.Marshal(string(yaml))
	for _, c := range []struct {
		name, kind, params, want string
	}{
		{"case-folded name", "hanoi", `{"disks":3,"Disks":20}`, "Disks: unknown field"},
		{"duplicate name", "hanoi", `{"disks":3,"disks":4}`, "disks: duplicate field"},
		{"duplicate in a task file's params", "taskfile", `{"file":"a.yaml","yaml":` + string(y) + `,"yaml":` + string(y) + `}`, "yaml: duplicate field"},
		{"case-folded name in a task file's params", "taskfile", `{"file":"a.yaml","yaml":` + string(y) + `,"YAML":"x"}`, "YAML: unknown field"},
		{"not JSON", "hanoi", `{"disks":3`, "not JSON"},
	} {
		t.Run(c.name, func(t *testing.T) {
			job := &runs.Job{Desc: &runs.Description{Kind: c.kind, Params: json.RawMessage(c.params)}, DB: t.TempDir() + "/j.db"}
			_, err := runs.Described(&runs.Runner{}, job)
			if !errors.Is(err, runs.ErrInvalid) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("%v, want an invalid description saying %q", err, c.want)
			}
		})
	}
}
