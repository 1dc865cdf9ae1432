package journalio

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

// FuzzDecodeSamples feeds the decoder of a step's compact samples array
// arbitrary bytes, as a damaged or hand-edited journal would hold: it must
// never panic, a vote must name a key of the tally, and what it accepts
// must encode and decode again to the same records.
func FuzzDecodeSamples(f *testing.F) {
	tally := []maker.KeyCount{{Key: "a", Votes: 3}, {Key: "b", Votes: 1}}
	tallyJSON, _ := json.Marshal(tally)
	rec := &maker.StepRecord{Key: "a", Tally: tally, Samples: []maker.SampleRecord{
		{Index: 0, Seq: 0, Temperature: 0.1, Text: "A", Key: "a", Voted: true, Usage: maker.Usage{InputTokens: 10, CachedInputTokens: 4, OutputTokens: 5, CostUSD: 0.5}, Batch: 3, Latency: time.Millisecond},
		{Index: 1, Seq: 1, Text: "garbage \"q\"\n\u2028", Flag: maker.FlagMalformed, Usage: maker.Usage{OutputTokens: 7}, Retries: 2},
		{Index: 2, Seq: 2, Text: "B", Key: "b", Voted: true},
		{Index: 3, Seq: 3, Cancelled: true, Error: "boom"},
	}}
	row, err := EncodeStep(rec, maker.KeepAll)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		row.Samples,
		`[]`,
		`null`,
		`[{"s":0,"i":0,"v":-1}]`,
		`[{"s":0,"i":0,"v":2}]`,
		`[{"s":1e400}]`,
		`[{"in":-5,"b":-2,"usd":-1e308}]`,
		`{"s":0}`,
		`[{"x":"\ud800"}]`,
	} {
		f.Add(s, string(tallyJSON))
	}
	f.Fuzz(func(t *testing.T, data, tallyData string) {
		var tally []maker.KeyCount
		if json.Unmarshal([]byte(tallyData), &tally) != nil {
			return
		}
		got, err := DecodeSamples(data, tally)
		if err != nil {
			return
		}
		for _, s := range got {
			if !s.Voted {
				continue
			}
			found := false
			for _, kc := range tally {
				found = found || kc.Key == s.Key
			}
			if !found {
				t.Fatalf("DecodeSamples(%q) voted for %q, not in the tally", data, s.Key)
			}
		}
		again, err := EncodeStep(&maker.StepRecord{Tally: tally, Samples: got}, maker.KeepAll)
		if err != nil {
			t.Fatalf("encode %+v: %v", got, err)
		}
		back, err := DecodeSamples(again.Samples, tally)
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Fatalf("DecodeSamples(%q) = %+v, which encodes as %s and reads back as %+v (%v)", data, got, again.Samples, back, err)
		}
	})
}
