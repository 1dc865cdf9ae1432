package interview_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/interview"
	"github.com/maker-go/maker/sim"
)

// Schedule two interviews on the simulated model: ana prefers slot 2, where
// her whole panel is free; ben's interviewer is busy then, so he gets the
// first slot where bob is available and free, in the smallest room that fits.
func Example() {
	in, err := interview.Read(strings.NewReader(`{"days": 1, "slots": 4,
		"rooms": [{"name": "small", "capacity": 2}, {"name": "big", "capacity": 4}],
		"interviewers": [{"name": "alice", "available": {"1": [1, 2]}},
		                 {"name": "bob",   "available": {"1": [2, 3]}}],
		"candidates": [{"name": "ana", "preferred": [2]}, {"name": "ben", "preferred": []}],
		"interviews": [{"id": "i1", "day": 1, "candidate": "ana", "panel": ["alice", "bob"]},
		               {"id": "i2", "day": 1, "candidate": "ben", "panel": ["bob"]}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	task, err := interview.New(in)
	if err != nil {
		fmt.Println(err)
		return
	}
	model, _ := sim.New(task, sim.DefaultConfig())
	res, err := maker.Run(context.Background(), task, model, maker.Config{K: 2, Ordered: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	score, _ := task.Evaluate(res.Actions)
	fmt.Println(res.Actions, score.Preferred, "of", score.WithPrefs, "preferred")
	// Output: [i1@2/big i2@3/small] 1 of 1 preferred
}
