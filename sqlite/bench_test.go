package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
	"github.com/maker-go/maker/sqlite"
)

// BenchmarkRun measures what journaling adds to a simulated Hanoi run: the
// same run with no journal and with the default group commit. Compare the
// ns/step of the two.
func BenchmarkRun(b *testing.B) {
	const disks = 12
	for _, journal := range []bool{false, true} {
		name := "nojournal"
		if journal {
			name = "journal"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			task, _ := hanoi.New(disks)
			model, err := sim.New(task, sim.DefaultConfig())
			if err != nil {
				b.Fatal(err)
			}
			db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "maker.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				cfg := maker.Config{K: 3, Ordered: true}
				var j maker.Recorder
				if journal {
					if j, err = db.Create(ctx, maker.NewRun{Kind: "hanoi", Task: task.Name()}, benchOpts); err != nil {
						b.Fatal(err)
					}
					cfg.Observers = []maker.Observer{j}
				}
				res, err := maker.Run(ctx, task, model, cfg)
				if err != nil {
					b.Fatal(err)
				}
				if j != nil {
					if err := j.Finish(&res.Summary, maker.RunStatus(&res.Summary, err)); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*task.Steps()), "ns/step")
		})
	}
}

var benchOpts = maker.JournalOptions{}
