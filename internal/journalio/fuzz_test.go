package journalio

import (
	"reflect"
	"testing"

	"github.com/maker-go/maker"
)

// FuzzRecord feeds the decoder the key, tally and samples columns of a
// step as a damaged or hand-edited journal would hold them, in either
// encoding: it must never panic, a vote must name a key of the tally, and
// what it accepts must encode and decode again to the same step.
func FuzzRecord(f *testing.F) {
	rec := hanoiStep()
	rec.Tally = append(rec.Tally, maker.KeyCount{Key: "b", Votes: 1})
	rec.Samples = append(rec.Samples,
		maker.SampleRecord{Index: 4, Seq: 3, Text: "garbage \"q\"\n\u2028", Flag: maker.FlagMalformed, Usage: maker.Usage{OutputTokens: 7}, Retries: 2},
		maker.SampleRecord{Index: 3, Seq: 4, Text: "B", Key: "b", Voted: true, Model: "m", Batch: 3, Usage: maker.Usage{CostUSD: 0.1 + 0.2}},
		maker.SampleRecord{Index: 5, Seq: 5, Cancelled: true, Error: "boom"},
	)
	row2, err := EncodeStep(rec, maker.KeepAll, nil)
	if err != nil {
		f.Fatal(err)
	}
	row1, err := encodeStep1(rec, maker.KeepAll)
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range [][3]string{
		{row2.Key, row2.Tally, row2.Samples},
		{row1.Key, row1.Tally, row1.Samples},
		{"k", `[]`, `[]`},
		{"k", `null`, `null`},
		{"k", `[1]`, `[2,{}]`},
		{"k", `[1]`, `[2,{"kl":true},[]]`},
		{"k", `[1,["a",2]]`, `[2,{"ke":1},[0,0,0,{"v":-1}],[1,0.5,3,{"v":1}]]`},
		{"k", `[1]`, `[2,{"in":-5},[-1,-1e308,-7,{"s":-3,"i":-2,"t":-1}]]`},
		{"k", `[1]`, `[2,{}, [ 1 , 2 ,3 , {"x":"\ud800"} ] ]`},
		{"k", `[{"key":"k","votes":1}]`, `[{"s":0,"i":0,"v":0}]`},
		{"k", `[{"key":"k","votes":1}]`, `[{"s":1e400}]`},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, key, tally, samples string) {
		row := row2
		row.Key, row.Tally, row.Samples = key, tally, samples
		got, err := row.Record()
		if err != nil {
			return
		}
		for _, s := range got.Samples {
			if !s.Voted {
				continue
			}
			found := false
			for _, kc := range got.Tally {
				found = found || kc.Key == s.Key
			}
			if !found {
				t.Fatalf("samples %q voted for %q, not in the tally %+v", samples, s.Key, got.Tally)
			}
		}
		if len(got.Tally) == 0 {
			got.Tally = nil
		}
		if len(got.Samples) == 0 {
			got.Samples = nil
		}
		again, err := EncodeStep(got, maker.KeepAll, nil)
		if err != nil {
			t.Fatalf("encode %+v: %v", got, err)
		}
		back, err := again.Record()
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Fatalf("row %+v reads as %+v, which encodes as %+v and reads back as %+v (%v)", row, got, again, back, err)
		}
	})
}
