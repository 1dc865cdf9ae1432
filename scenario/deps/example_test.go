package deps_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/deps"
	"github.com/maker-go/maker/sim"
)

// Resolve a small module graph on the simulated model: every step is voted,
// and the order follows the stated tie-break (smallest ready name first).
func Example() {
	in, err := deps.Read(strings.NewReader(`{"modules": [
		{"name": "web",  "deps": ["api", "ui"]},
		{"name": "api",  "deps": ["core", "log"]},
		{"name": "ui",   "deps": ["core"]},
		{"name": "core", "deps": []},
		{"name": "log",  "deps": []}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	task, err := deps.New(in)
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
	fmt.Println(res.Actions, res.Summary.Success)
	// Output: [core log api ui web] true
}
