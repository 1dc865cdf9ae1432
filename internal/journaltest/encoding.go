package journaltest

import (
	"context"
	"database/sql"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

// testSamplesView holds the samples view to what the journal's reader
// decodes, for steps with whatever the step encoding writes out of the
// ordinary and for a simulated run with disagreements and red flags.
func testSamplesView(t *testing.T, h Harness) {
	if h.SQL == nil {
		t.Skip("the harness gives no SQL access")
	}
	ctx := context.Background()
	db := h.Open(t)
	j, err := db.Create(ctx, maker.NewRun{Task: "t"}, maker.JournalOptions{Keep: maker.KeepAll})
	if err != nil {
		t.Fatal(err)
	}
	for i, rec := range viewSteps() {
		rec.Step = i
		if err := j.Observe(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Finish(nil, maker.StatusDone); err != nil {
		t.Fatal(err)
	}
	task, _ := hanoi.New(5)
	sc := sim.DefaultConfig()
	sc.ErrorRate = 0.3
	model, err := sim.New(task, sc)
	if err != nil {
		t.Fatal(err)
	}
	j2, err := db.Create(ctx, maker.NewRun{Kind: "hanoi", Task: task.Name()}, maker.JournalOptions{Keep: maker.KeepFlagged})
	if err != nil {
		t.Fatal(err)
	}
	res, runErr := maker.Run(ctx, task, model, maker.Config{K: 2, Ordered: true, Observers: []maker.Observer{j2}})
	if err := j2.Finish(&res.Summary, maker.RunStatus(&res.Summary, runErr)); err != nil || runErr != nil {
		t.Fatal(err, runErr)
	}
	CheckSamplesView(t, db, h.SQL(t, db))
}

// viewSteps are steps with whatever the step encoding writes out of the
// ordinary: keys that hold the state (at the end, inside, in characters of
// several bytes) or not, a losing candidate first, samples out of launch
// order at other temperatures, flagged, cancelled and failed samples, an
// ensemble's models, batches and cached tokens, costs no number of
// millionths of a dollar gives, and an empty previous action.
func viewSteps() []*maker.StepRecord {
	step := func(state any, key string) *maker.StepRecord {
		return &maker.StepRecord{K: 1, Prev: "p", Action: "a", Key: key, State: state, Votes: 2,
			Tally: []maker.KeyCount{{Key: key, Votes: 2}},
			Samples: []maker.SampleRecord{
				{Index: 0, Seq: 0, Text: "A", Key: key, Voted: true, Usage: maker.Usage{InputTokens: 10, OutputTokens: 3, CostUSD: 0.0000208}},
				{Index: 1, Seq: 1, Temperature: 0.1, Text: "A", Key: key, Voted: true, Usage: maker.Usage{InputTokens: 10, OutputTokens: 4, CostUSD: 0.1 + 0.2}},
			},
			Usage: maker.Usage{InputTokens: 20, OutputTokens: 7}}
	}
	hanoiLike := step([][]int{{3}, {2, 1}, {}}, "[0,1]|[[3],[2,1],[]]")
	inside := step("s t", `["a","s t"]`)
	wide := step("é", `"é"→ü`)
	literal := step(1, "k")
	mixed := step(2, "2|b")
	mixed.Prev = ""
	mixed.Tally = []maker.KeyCount{{Key: "other \"q\"", Votes: 1}, {Key: "2|b", Votes: 2}}
	mixed.Samples = []maker.SampleRecord{
		{Index: 2, Seq: 0, Temperature: 0.7, Text: "O", Key: "other \"q\"", Voted: true, Model: "m/1", Batch: 3, Usage: maker.Usage{InputTokens: 50, CachedInputTokens: 40, OutputTokens: 5, CostUSD: 1e-300}, Latency: time.Second},
		{Index: 0, Seq: 1, Temperature: 0.2, Text: "long\n", Flag: maker.FlagTooLong, Usage: maker.Usage{InputTokens: 50, OutputTokens: 900}, Retries: 2},
		{Index: 1, Seq: 2, Temperature: 0.7, Text: "B", Key: "2|b", Voted: true, Usage: maker.Usage{InputTokens: 9}},
		{Index: 3, Seq: 3, Temperature: 0.7, Text: "B", Key: "2|b", Voted: true},
		{Index: 4, Seq: 4, Temperature: 0.7, Cancelled: true},
		{Index: 5, Seq: 5, Temperature: 0.7, Error: "timeout"},
	}
	return []*maker.StepRecord{hanoiLike, inside, wide, literal, mixed}
}

// CheckSamplesView compares every row of the samples view, read through
// db, with the samples the journal j decodes, for every run of j.
func CheckSamplesView(t *testing.T, j maker.Journal, db *sql.DB) {
	t.Helper()
	ctx := context.Background()
	runs, err := j.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, run := range runs {
		var want []maker.SampleRecord
		err := j.Steps(ctx, run.ID, 0, -1, func(rec *maker.StepRecord) error {
			want = append(want, rec.Samples...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// The id is eight hexadecimal digits: no quoting to get wrong,
		// and no placeholder that differs between backends.
		rows, err := db.QueryContext(ctx, `SELECT s.seq, s.idx, s.temperature, s.key, s.flag, s.cancelled, s.text, s.input_tokens,
			s.cached_tokens, s.output_tokens, s.cost, s.latency_ns, s.retries, s.error, s.batch
			FROM samples s JOIN runs r ON r.seq = s.run WHERE r.id = '`+run.ID+`' ORDER BY s.step, s.seq`)
		if err != nil {
			t.Fatal(err)
		}
		var got []maker.SampleRecord
		for rows.Next() {
			var s maker.SampleRecord
			var key, flag, text, errText sql.NullString
			var latency int64
			if err := rows.Scan(&s.Seq, &s.Index, &s.Temperature, &key, &flag, &s.Cancelled, &text, &s.InputTokens, &s.CachedInputTokens,
				&s.OutputTokens, &s.CostUSD, &latency, &s.Retries, &errText, &s.Batch); err != nil {
				t.Fatal(err)
			}
			s.Key, s.Voted, s.Flag, s.Text, s.Error, s.Latency = key.String, key.Valid, maker.Flag(flag.String), text.String, errText.String, time.Duration(latency)
			got = append(got, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if len(got) != len(want) {
			t.Fatalf("run %s: %d rows in the samples view, want %d", run.ID, len(got), len(want))
		}
		for i := range want {
			w := want[i]
			w.Model = "" // not in the view
			if !reflect.DeepEqual(got[i], w) {
				t.Errorf("run %s sample row %d:\n%+v\nwant\n%+v", run.ID, i+1, got[i], w)
			}
		}
	}
}

// firstEncoding are two steps as maker journaled them before the compact
// encoding: the winner key and the tally's keys in full, and each sample
// an object with its fields named.
var firstEncoding = [2]string{
	`0, 0, 2, '', 'A', 'a|[0,1]', '[0,1]', '[{"key":"a|[0,1]","votes":2},{"key":"b","votes":1}]', 3, 1, '{"malformed":1}', 1, 2, 30, 4, 16, 0.0020244000000000002, 5000, false, NULL,
		'[{"s":0,"i":0,"v":0,"x":"A","in":10,"out":5,"usd":0.0010244000000000002,"ns":1000},{"s":1,"i":2,"t":0.1,"f":"malformed","x":"junk","out":7,"r":2},{"s":2,"i":1,"t":0.1,"v":1,"x":"B","in":10,"ci":4,"b":2,"m":"sim/b"},{"s":3,"i":3,"t":0.1,"v":0,"in":10,"out":4,"usd":0.001},{"s":4,"i":4,"c":true,"e":"boom"}]'`,
	`1, 0, 2, 'A', 'B', 'b', '[1,2]', '[{"key":"b","votes":2}]', 2, 0, NULL, 0, 0, 0, 0, 0, 0, 7, true, 'off by one',
		'[{"s":0,"i":0,"v":0},{"s":1,"i":1,"t":0.1,"v":0}]'`,
}

// firstEncodingRecords are the steps of firstEncoding as they read.
func firstEncodingRecords() []*maker.StepRecord {
	a, b := "a|[0,1]", "b"
	return []*maker.StepRecord{
		{Step: 0, K: 2, Action: "A", Key: a, State: json.RawMessage("[0,1]"), Tally: []maker.KeyCount{{Key: a, Votes: 2}, {Key: b, Votes: 1}},
			Samples: []maker.SampleRecord{
				{Index: 0, Seq: 0, Text: "A", Key: a, Voted: true, Usage: maker.Usage{InputTokens: 10, OutputTokens: 5, CostUSD: 0.0010244000000000002}, Latency: 1000},
				{Index: 2, Seq: 1, Temperature: 0.1, Flag: maker.FlagMalformed, Text: "junk", Usage: maker.Usage{OutputTokens: 7}, Retries: 2},
				{Index: 1, Seq: 2, Temperature: 0.1, Text: "B", Key: b, Voted: true, Usage: maker.Usage{InputTokens: 10, CachedInputTokens: 4}, Batch: 2, Model: "sim/b"},
				{Index: 3, Seq: 3, Temperature: 0.1, Key: a, Voted: true, Usage: maker.Usage{InputTokens: 10, OutputTokens: 4, CostUSD: 0.001}},
				{Index: 4, Seq: 4, Cancelled: true, Error: "boom"},
			},
			Votes: 3, Flagged: 1, Cancelled: 1, Retries: 2, Usage: maker.Usage{InputTokens: 30, CachedInputTokens: 4, OutputTokens: 16, CostUSD: 0.0020244000000000002}, Wall: 5000},
		{Step: 1, K: 2, Prev: "A", Action: "B", Key: b, State: json.RawMessage("[1,2]"), Tally: []maker.KeyCount{{Key: b, Votes: 2}},
			Samples: []maker.SampleRecord{{Index: 0, Seq: 0, Key: b, Voted: true}, {Index: 1, Seq: 1, Temperature: 0.1, Key: b, Voted: true}},
			Votes:   2, Wall: 7, Wrong: true, WrongWhy: "off by one"},
	}
}

// testFirstEncoding: steps journaled in the first encoding read back as
// they were recorded; a run of them resumed goes on in the compact
// encoding, and the two read back together, in the steps and in the
// samples view.
func testFirstEncoding(t *testing.T, h Harness) {
	if h.Exec == nil {
		t.Skip("the harness cannot write behind the journal's back")
	}
	ctx := context.Background()
	db := h.Open(t)
	j, err := db.Create(ctx, maker.NewRun{Kind: "test", Task: "t"}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	id := j.ID()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	for _, row := range firstEncoding {
		h.Exec(t, db, `INSERT INTO steps (run, step, session, k, prev, action, key, state, tally, votes, flagged, flags, cancelled, retries,
			input_tokens, cached_tokens, output_tokens, cost, wall_ns, wrong, wrong_why, samples)
			VALUES ((SELECT seq FROM runs WHERE id = '`+id+`'), `+row+`)`)
	}
	h.Exec(t, db, `UPDATE runs SET steps = 2 WHERE id = '`+id+`'`)
	want := firstEncodingRecords()
	got := steps(t, db, id)
	if len(got) != len(want) {
		t.Fatalf("%d steps, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("step %d:\n%+v\nwant\n%+v", i+1, got[i], want[i])
		}
	}

	j2, cp, err := db.Resume(ctx, id, maker.JournalOptions{Keep: maker.KeepAll})
	if err != nil {
		t.Fatal(err)
	}
	if cp.Step != 2 || cp.Prev != "B" || string(cp.State) != "[1,2]" {
		t.Errorf("checkpoint %+v, want step 2 after B in [1,2]", cp)
	}
	for i := 2; i < 4; i++ {
		rec := Record(i)
		rec.Prev = "move a"
		if i == 2 {
			rec.Prev = "B"
		}
		if err := j2.Observe(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := j2.Finish(nil, maker.StatusFailed); err != nil {
		t.Fatal(err)
	}
	all := steps(t, db, id)
	if len(all) != 4 {
		t.Fatalf("%d steps after the resume, want 4", len(all))
	}
	for i, r := range all {
		if i < 2 && !reflect.DeepEqual(r, want[i]) {
			t.Errorf("step %d after the resume:\n%+v\nwant\n%+v", i+1, r, want[i])
		}
		if i >= 2 && (r.Prev != all[i-1].Action || r.Key != "a" || len(r.Samples) != 6 || r.Samples[2].Key != "b") {
			t.Errorf("step %d after the resume: %+v", i+1, r)
		}
	}
	// The step after a step of the first encoding reads its Prev from it,
	// alone too.
	var from2 []*maker.StepRecord
	if err := db.Steps(ctx, id, 3, 4, func(r *maker.StepRecord) error { from2 = append(from2, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(from2) != 1 || from2[0].Prev != "move a" {
		t.Errorf("step 4 alone: %+v", from2)
	}
	if h.SQL != nil {
		CheckSamplesView(t, db, h.SQL(t, db))
	}
}
