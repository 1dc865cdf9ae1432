package cubesolve_test

import (
	"context"
	"fmt"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/cube"
	"github.com/maker-go/maker/cubesolve"
	"github.com/maker-go/maker/sim"
)

// ExampleNext prints the method's first steps for a scramble: each is the
// stage, the rule that applies and the turns.
func ExampleNext() {
	c, _ := cube.Scramble(7)
	for range 4 {
		s, err := cubesolve.Next(c)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %s on %s: %s\n", s.Stage, s.Case, s.Face, s.Turns)
		c = c.ApplySequence(s.Turns)
	}
	// Output:
	// cross flip-insert on F: R' F R
	// cross lift on B: B2
	// cross flip-insert on R: B' R B
	// cross insert on B: U2 B2
}

// ExampleTask solves a scramble on the simulated model at a 10% error rate
// with ahead-by-3 voting: every decided step is the method's.
func ExampleTask() {
	c, _ := cube.Scramble(7)
	task, err := cubesolve.New(c)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := sim.DefaultConfig()
	cfg.ErrorRate = 0.1
	model, err := sim.New(task, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := maker.Run(context.Background(), task, model, maker.Config{K: 3, Ordered: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := res.Summary
	fmt.Println("solved:", task.Done(res.State, s.Steps), "wrong steps:", s.WrongSteps)
	fmt.Println("steps:", s.Steps, "the method's:", len(task.Reference()))
	fmt.Println("first step:", res.Actions[0])
	// Output:
	// solved: true wrong steps: 0
	// steps: 30 the method's: 30
	// first step: R' F R
}
