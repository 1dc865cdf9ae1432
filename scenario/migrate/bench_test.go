package migrate

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/internal/scentest"
)

// BenchmarkMigrate creates and migrates the default database and the
// large one (1.5 million rows; it takes minutes), with the simulator at
// its default error rate and k_min for a 95% target:
// go test -run '^$' -bench Migrate -benchtime 1x -timeout 30m ./scenario/migrate
func BenchmarkMigrate(b *testing.B) {
	for _, size := range []struct {
		name string
		rows int
	}{{"default", DefaultRows}, {"large", LargeRows}} {
		b.Run(size.name, func(b *testing.B) {
			for b.Loop() {
				ctx := context.Background()
				task, err := Create(ctx, filepath.Join(b.TempDir(), "shop.db"), newInstance(size.rows, 1))
				if err != nil {
					b.Fatal(err)
				}
				model, k := scentest.PlannedSim(b, task, task.Steps())
				res, err := maker.Run(ctx, task, model, maker.Config{K: k, Ordered: true})
				if err != nil || !res.Summary.Success || res.State.Verified != "intact" {
					b.Fatalf("run: %v (%s), verified %q", err, res.Summary.FirstWrongWhy, res.State.Verified)
				}
				task.Close()
				s := res.Summary
				scentest.ReportRun(b, s, k)
				b.ReportMetric(float64(res.State.DowntimeMS), "downtime-ms")
				b.ReportMetric(s.WallSeconds, "run-s")
			}
		})
	}
}
