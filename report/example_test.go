package report_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/report"
	"github.com/maker-go/maker/sim"
)

// A collector watches a run as an observer; when the run ends, it renders
// the report with the run's summary and final state.
func ExampleCollector() {
	task, _ := hanoi.New(4)
	model, _ := sim.New(task, sim.DefaultConfig())
	c := report.NewCollector()
	res, err := maker.Run(context.Background(), task, model, maker.Config{
		K: 2, Ordered: true, ModelName: sim.Name, Observers: []maker.Observer{c},
	})
	if err != nil {
		log.Fatal(err)
	}
	path := filepath.Join(os.TempDir(), "maker-example-report.html")
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(path)
	if err := c.Render(f, &report.Data{Summary: res.Summary, Final: res.State}); err != nil {
		log.Fatal(err)
	}
	f.Close()
	page, _ := os.ReadFile(path)
	fmt.Println("steps:", c.Steps())
	fmt.Println("simulated banner:", strings.Contains(string(page), "SIMULATED model"))
	// Output:
	// steps: 15
	// simulated banner: true
}
