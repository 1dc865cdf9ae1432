package infra_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/infra"
	"github.com/maker-go/maker/sim"
)

// Provision four resources, at most two at once, on the simulated model,
// and replay the decided events into a schedule and its cost.
func Example() {
	in, err := infra.Read(strings.NewReader(`{"max_parallel": 2, "resources": [
		{"name": "vpc",    "deps": [],             "minutes": 3,  "hourly_usd": 0},
		{"name": "subnet", "deps": ["vpc"],        "minutes": 1,  "hourly_usd": 0},
		{"name": "db",     "deps": ["subnet"],     "minutes": 12, "hourly_usd": 0.50},
		{"name": "bucket", "deps": [],             "minutes": 2,  "hourly_usd": 0.10}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	task, err := infra.New(in)
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
	sc, err := task.Replay(res.Actions)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Join(res.Actions, "; "))
	fmt.Printf("%d minutes, $%.4f\n", sc.Minutes, sc.CostUSD)
	// Output:
	// start bucket; start vpc; complete bucket; complete vpc; start subnet; complete subnet; start db; complete db
	// 16 minutes, $0.1267
}
