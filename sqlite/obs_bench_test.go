package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sqlite"
)

// BenchmarkObserve is the journal's own cost per decided step (encode and
// commit), on steps like a 16-disk simulated Hanoi run's: three votes each.
func BenchmarkObserve(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "maker.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	j, err := db.Create(ctx, maker.NewRun{Kind: "hanoi", Task: "hanoi-16"}, maker.JournalOptions{})
	if err != nil {
		b.Fatal(err)
	}
	state := hanoi.Start(16)
	key := "[1,0,2]|" + state.Compact()
	samples := make([]maker.SampleRecord, 3)
	for i := range samples {
		samples[i] = maker.SampleRecord{Index: i, Seq: i, Temperature: 0.1, Text: "move = [1, 0, 2]\nnext_state = " + state.String(), Key: key, Voted: true,
			Usage: maker.Usage{InputTokens: 990, OutputTokens: 540, CostUSD: 0.001}, Latency: 1000}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := &maker.StepRecord{Step: i, K: 3, Prev: "[1, 0, 2]", Action: "[1, 0, 2]", Key: key, State: state,
			Tally: []maker.KeyCount{{Key: key, Votes: 3}}, Samples: samples, Votes: 3, Usage: maker.Usage{InputTokens: 2970, OutputTokens: 1620, CostUSD: 0.003}, Wall: 1000}
		if err := j.Observe(ctx, rec); err != nil {
			b.Fatal(err)
		}
	}
	if err := j.Flush(ctx); err != nil {
		b.Fatal(err)
	}
}
