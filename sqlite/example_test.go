package sqlite_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
	"github.com/maker-go/maker/sqlite"
)

// Journal a simulated run, then read it back: the summary over all its
// sessions, and a re-decision of every step with another k.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "journal")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := sqlite.Open(ctx, filepath.Join(dir, "maker.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	task, _ := hanoi.New(5)
	model, _ := sim.New(task, sim.DefaultConfig())
	j, err := db.Create(ctx, maker.NewRun{Kind: "hanoi", Task: task.Name(), Model: sim.Name, Simulated: true, TotalSteps: task.Steps()}, maker.JournalOptions{})
	if err != nil {
		log.Fatal(err)
	}
	res, err := maker.Run(ctx, task, model, maker.Config{K: 2, Ordered: true, Observers: []maker.Observer{j}})
	if err := j.Finish(&res.Summary, maker.RunStatus(&res.Summary, err)); err != nil {
		log.Fatal(err)
	}

	sum, err := db.Summary(ctx, j.ID())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d of %d steps, success %v\n", sum.Task, sum.Steps, sum.TotalSteps, sum.Success)
	cp, _ := db.Checkpoint(ctx, j.ID())
	fmt.Printf("final state %s after %s\n", cp.State, cp.Prev)
	r, err := maker.ReplayRun(ctx, db, j.ID(), 1, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("with k=1: %d same, %d different, %d undecided\n", r.Same, r.Different, r.Undecided)
	// Output:
	// hanoi-5: 31 of 31 steps, success true
	// final state [[],[],[5,4,3,2,1]] after [1, 0, 2]
	// with k=1: 31 same, 0 different, 0 undecided
}
