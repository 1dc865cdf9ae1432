package maker_test

import (
	"context"
	"fmt"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

// This solves a 4-disk Towers of Hanoi on the simulated model with votes
// decided at a margin of 3.
func ExampleRun_hanoi() {
	task, err := hanoi.New(4)
	if err != nil {
		panic(err)
	}
	model, err := sim.New(task, sim.DefaultConfig()) // the task is the simulator's oracle
	if err != nil {
		panic(err)
	}
	res, err := maker.Run(context.Background(), task, model, maker.Config{K: 3, Ordered: true})
	if err != nil {
		panic(err)
	}
	s := res.Summary
	fmt.Println("success:", s.Success, "simulated:", s.Simulated)
	fmt.Println("steps:", s.Steps, "wrong:", s.WrongSteps)
	fmt.Println("first moves:", res.Actions[:3])
	fmt.Println("final state:", res.State)
	// Output:
	// success: true simulated: true
	// steps: 15 wrong: 0
	// first moves: [[1, 0, 1] [2, 0, 2] [1, 1, 2]]
	// final state: [[], [], [4, 3, 2, 1]]
}
