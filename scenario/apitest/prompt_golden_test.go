package apitest

import (
	"testing"

	"github.com/maker-go/maker/scenario/internal/scentest"
)

// TestPromptGolden holds the prompts of the first three steps of a small
// seeded suite, run against the live service, to
// testdata/prompt_apitest.golden (go test -update rewrites it).
func TestPromptGolden(t *testing.T) {
	inst, err := Generate(2, 2)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := StartService(inst)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	task, err := New(inst, svc.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer task.Wait()
	scentest.Golden(t, "apitest", scentest.Prompts(t, task, task, 3))
}
