package scentest

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/golden"
	"github.com/maker-go/maker/sim"
)

// Prompts runs task for its first steps on a simulator that is never wrong,
// at k=1, and returns the system and user text of each step's prompt, as
// the model reads them (a system text the same as the step before's is
// written once). A task that acts on a real system executes each
// decided action, so the prompts after the first show the state the world
// reported.
func Prompts[S any](t *testing.T, task maker.Task[S], oracle maker.Oracle, steps int) string {
	t.Helper()
	cfg := sim.DefaultConfig()
	cfg.ErrorRate = 0
	m, err := sim.New(oracle, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		seen []maker.Prompt
	)
	rec := maker.ModelFunc(func(ctx context.Context, req maker.Request) (maker.Response, error) {
		mu.Lock()
		if req.Step == len(seen) {
			seen = append(seen, req.Prompt)
		}
		mu.Unlock()
		return m.Generate(ctx, req)
	})
	if _, err := maker.Run(context.Background(), task, rec, maker.Config{K: 1, Ordered: true, MaxSteps: steps, ModelName: sim.Name}); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i, p := range seen {
		if i > 0 && p.System == seen[i-1].System {
			fmt.Fprintf(&b, "===== step %d: system: as step %d =====\n", i+1, i)
		} else {
			fmt.Fprintf(&b, "===== step %d: system =====\n%s\n", i+1, p.System)
		}
		fmt.Fprintf(&b, "===== step %d: user =====\n%s\n", i+1, p.User)
	}
	return b.String()
}

// Golden compares a scenario's rendered prompts with
// testdata/prompt_<name>.golden; go test -update rewrites the file.
func Golden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "prompt_"+name+".golden"), []byte(got))
}
