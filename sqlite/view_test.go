package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/maker-go/maker"
)

// TestSamplesView checks that the samples view turns a step's samples array
// back into rows, with each vote resolved to its key.
func TestSamplesView(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	j, err := db.Create(ctx, maker.NewRun{Task: "t"}, maker.JournalOptions{Keep: maker.KeepAll})
	if err != nil {
		t.Fatal(err)
	}
	rec := &maker.StepRecord{Step: 0, K: 1, Key: "b", Action: "B", State: 1,
		Tally: []maker.KeyCount{{Key: "b", Votes: 2}, {Key: "a", Votes: 1}},
		Samples: []maker.SampleRecord{
			{Seq: 0, Index: 1, Key: "a", Voted: true, Text: "A", Usage: maker.Usage{OutputTokens: 3}},
			{Seq: 1, Index: 0, Flag: maker.FlagTooLong, Text: "long \"quoted\"\n", Usage: maker.Usage{OutputTokens: 900}},
			{Seq: 2, Index: 2, Key: "b", Voted: true, Text: "B", Usage: maker.Usage{CostUSD: 0.25}},
			{Seq: 3, Index: 3, Key: "b", Voted: true, Text: "B"},
		}}
	if err := j.Observe(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if err := j.Finish(nil, maker.StatusDone); err != nil {
		t.Fatal(err)
	}
	seq, _, err := db.lookup(ctx, j.ID())
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT seq, idx, key, flag, text, output_tokens, cost FROM samples WHERE run = ? ORDER BY step, seq`, seq)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var seq, idx int
		var out int64
		var key, flag, text sql.NullString
		var cost float64
		if err := rows.Scan(&seq, &idx, &key, &flag, &text, &out, &cost); err != nil {
			t.Fatal(err)
		}
		w := rec.Samples[i]
		if seq != w.Seq || idx != w.Index || key.String != w.Key || key.Valid != w.Voted || flag.String != string(w.Flag) ||
			text.String != w.Text || out != w.OutputTokens || cost != w.CostUSD {
			t.Errorf("row %d: seq %d idx %d key %v flag %v text %q out %d cost %g, want %+v", i, seq, idx, key, flag, text.String, out, cost, w)
		}
		i++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != len(rec.Samples) {
		t.Errorf("%d rows, want %d", i, len(rec.Samples))
	}
}
