package migrate

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/maker-go/maker/scenario/internal/scentest"
)

// TestPromptGolden holds the prompts of the first three steps of a small
// seeded database, migrated for real, to testdata/prompt_migrate.golden (go
// test -update rewrites it).
func TestPromptGolden(t *testing.T) {
	in, err := Generate(MinRows, 2)
	if err != nil {
		t.Fatal(err)
	}
	task, err := Create(context.Background(), filepath.Join(t.TempDir(), "shop.db"), in)
	if err != nil {
		t.Fatal(err)
	}
	defer task.Close()
	// A stopped clock: the prompts report how long each action took.
	task.now = func() time.Time { return time.Unix(0, 0) }
	scentest.Golden(t, "migrate", scentest.Prompts(t, task, task, 3))
}
