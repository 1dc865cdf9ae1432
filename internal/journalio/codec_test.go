package journalio

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

// hanoiStep is a step as a simulated Hanoi run journals it: three samples
// at the default temperatures, priced per million tokens, voting alike.
func hanoiStep() *maker.StepRecord {
	state := [][]int{{16, 15, 14, 13, 12, 11, 4, 1}, {5}, {10, 9, 8, 7, 6, 3, 2}}
	key := "[1,2,0]|[[16,15,14,13,12,11,4,1],[5],[10,9,8,7,6,3,2]]"
	rec := &maker.StepRecord{Step: 1000, K: 3, Prev: "[4, 1, 0]", Action: "[1, 2, 0]", Key: key, State: state,
		Tally: []maker.KeyCount{{Key: key, Votes: 3}}, Votes: 3, Wall: 6838}
	price := maker.Pricing{InPerMTok: 0.4, OutPerMTok: 1.6}
	for i, out := range []int{561, 558, 638} {
		u := maker.Response{InputTokens: 329, OutputTokens: out}.Usage(price)
		temp := 0.1
		if i == 0 {
			temp = 0
		}
		rec.Samples = append(rec.Samples, maker.SampleRecord{Index: i, Seq: i, Temperature: temp, Text: "move ...", Key: key, Voted: true, Usage: u})
		rec.Usage.Add(u)
	}
	return rec
}

// roundTrip encodes rec keeping every text and decodes it again.
func roundTrip(t *testing.T, rec *maker.StepRecord) *maker.StepRecord {
	t.Helper()
	row, err := EncodeStep(rec, maker.KeepAll, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := row.Record()
	if err != nil {
		t.Fatalf("%+v: %v", row, err)
	}
	return got
}

// sameStep compares a decoded step with the one encoded, whose state it
// holds as JSON.
func sameStep(t *testing.T, got, want *maker.StepRecord) {
	t.Helper()
	state, err := json.Marshal(want.State)
	if err != nil {
		t.Fatal(err)
	}
	w := *want
	w.State = json.RawMessage(state)
	if len(w.Tally) == 0 {
		w.Tally = nil
	}
	if len(w.Samples) == 0 {
		w.Samples = nil
	}
	if !reflect.DeepEqual(got, &w) {
		t.Errorf("decoded\n%+v\nwant\n%+v", got, &w)
	}
}

func TestEncodeStepRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		edit func(*maker.StepRecord)
	}{
		{"hanoi", func(*maker.StepRecord) {}},
		{"key with the state inside", func(r *maker.StepRecord) {
			r.State, r.Key = "s t", `["a","s t"]`
			r.Tally[0].Key = r.Key
			for i := range r.Samples {
				r.Samples[i].Key = r.Key
			}
		}},
		{"key without the state", func(r *maker.StepRecord) {
			r.Key, r.Tally[0].Key = "k", "k"
			for i := range r.Samples {
				r.Samples[i].Key = "k"
			}
		}},
		{"key of many-byte characters", func(r *maker.StepRecord) {
			r.State, r.Key = "é", `"é"→ü`
			r.Tally[0].Key = r.Key
			for i := range r.Samples {
				r.Samples[i].Key = r.Key
			}
		}},
		{"key not UTF-8", func(r *maker.StepRecord) {
			r.State, r.Key = 7, "\xff7\xfe"
			r.Tally[0].Key = r.Key
			for i := range r.Samples {
				r.Samples[i].Key = r.Key
			}
		}},
		{"a losing candidate first, out of order, flagged, cancelled, failed", func(r *maker.StepRecord) {
			r.Tally = []maker.KeyCount{{Key: "other \"q\"", Votes: 1}, {Key: r.Key, Votes: 3}}
			r.Samples[0].Key, r.Samples[0].Seq, r.Samples[2].Seq = "other \"q\"", 2, 0
			r.Samples = append(r.Samples,
				maker.SampleRecord{Index: 3, Seq: 3, Temperature: 0.1, Text: "long\n\u2028", Flag: maker.FlagTooLong, Usage: maker.Usage{InputTokens: 329, OutputTokens: 900}},
				maker.SampleRecord{Index: 5, Seq: 4, Temperature: 0.1, Key: r.Key, Voted: true, Usage: maker.Usage{InputTokens: 329}},
				maker.SampleRecord{Index: 4, Seq: 5, Temperature: 0.7, Cancelled: true, Usage: maker.Usage{InputTokens: 30}},
				maker.SampleRecord{Index: 6, Seq: 6, Error: "timeout", Retries: 8, Latency: time.Minute},
			)
		}},
		{"an ensemble with cached input and batches", func(r *maker.StepRecord) {
			for i := range r.Samples {
				s := &r.Samples[i]
				s.Model, s.CachedInputTokens, s.Batch, s.Latency = []string{"a/x", "b/y", "a/x"}[i], 300, 3-i, time.Duration(i+1)*time.Second
			}
		}},
		{"costs that no millionths give", func(r *maker.StepRecord) {
			r.Samples[0].CostUSD, r.Samples[1].CostUSD, r.Samples[2].CostUSD = 0.1+0.2, 1e-300, math.Copysign(0, -1)
		}},
		{"no samples, no tally", func(r *maker.StepRecord) { r.Samples, r.Tally = nil, nil }},
		{"decided by the decision cache", func(r *maker.StepRecord) {
			r.Samples, r.Tally, r.Votes, r.Usage = nil, nil, 0, maker.Usage{}
			r.CacheHit = `run a1b2 "x" step 7`
		}},
		{"a vote for a key the tally lacks is no vote", func(r *maker.StepRecord) {
			r.Samples[1].Key, r.Samples[1].Voted = "", false
		}},
		{"the first launched sample arrived last", func(r *maker.StepRecord) {
			r.Samples[0].Seq, r.Samples[2].Seq = 2, 0
			r.Samples[0], r.Samples[2] = r.Samples[2], r.Samples[0]
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := hanoiStep()
			tt.edit(rec)
			sameStep(t, roundTrip(t, rec), rec)
		})
	}
}

// A step's row holds the winner key, the tally and the samples in a few
// dozen bytes: a million-step run is stored in a couple of hundred
// megabytes.
func TestEncodeStepIsCompact(t *testing.T) {
	row, err := EncodeStep(hanoiStep(), maker.KeepFlagged, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := len(row.Key) + len(row.Tally) + len(row.Samples)
	t.Logf("key %q tally %s samples %s: %d bytes", row.Key, row.Tally, row.Samples, n)
	if n > 80 {
		t.Errorf("key, tally and samples take %d bytes, want at most 80", n)
	}
}

// Steps journaled in the first encoding read back as they did.
func TestRecordReadsFirstEncoding(t *testing.T) {
	rec := hanoiStep()
	rec.Tally = append(rec.Tally, maker.KeyCount{Key: "other", Votes: 1})
	rec.Samples = append(rec.Samples, maker.SampleRecord{Index: 3, Seq: 3, Temperature: 0.1, Text: "x", Key: "other", Voted: true})
	old, err := encodeStep1(rec, maker.KeepAll)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(old.Samples, format2) {
		t.Fatalf("the first encoding's samples %s look like the second's", old.Samples)
	}
	got, err := old.Record()
	if err != nil {
		t.Fatal(err)
	}
	sameStep(t, got, rec)
	again := roundTrip(t, got)
	if !reflect.DeepEqual(again, got) {
		t.Errorf("re-encoded: %+v, want %+v", again, got)
	}
}

// A damaged row of the second encoding is an error that names what is
// wrong, never a panic or a silent default.
func TestRecordRefusesDamagedRows(t *testing.T) {
	good, err := EncodeStep(hanoiStep(), maker.KeepAll, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, key, tally, samples, want string
	}{
		{"no header", good.Key, good.Tally, `[2]`, "no header"},
		{"vote outside the tally", good.Key, good.Tally, `[2,{},[1,0,0,{"v":4}]]`, "vote 4 outside the tally"},
		{"a default vote with no tally", good.Key, `[]`, `[2,{},[1]]`, "vote 0 outside the tally"},
		{"key end past the key", "ab", good.Tally, `[2,{"ke":3}]`, "outside the key"},
		{"a string for tokens", good.Key, good.Tally, `[2,{},["5"]]`, "output tokens"},
		{"four numbers", good.Key, good.Tally, `[2,{},[1,2,3,4]]`, "more than three"},
		{"a sample that is no array", good.Key, good.Tally, `[2,{},{"s":0}]`, "not an array"},
		{"an object before three numbers", good.Key, good.Tally, `[2,{},[1,{"s":0}]]`, "three numbers"},
		{"a tally pair of three", good.Key, `[["a",1,2]]`, `[2,{}]`, "candidate 1"},
		{"a cost too large", good.Key, good.Tally, `[2,{},[1,1e400]]`, "cost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := good
			row.Key, row.Tally, row.Samples = tt.key, tt.tally, tt.samples
			_, err := row.Record()
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "step 1001") {
				t.Errorf("Record() = %v, want an error about step 1001 saying %q", err, tt.want)
			}
		})
	}
}

// A cost that is no finite number cannot be written as JSON: encoding
// fails, naming the sample, rather than write a row no one can read.
func TestEncodeStepRefusesNonFiniteCost(t *testing.T) {
	rec := hanoiStep()
	rec.Samples[1].CostUSD = math.Inf(1)
	if _, err := EncodeStep(rec, maker.KeepAll, nil); err == nil || !strings.Contains(err.Error(), "sample 2") {
		t.Errorf("EncodeStep = %v, want an error naming sample 2", err)
	}
}

// BenchmarkEncodeStep measures the encoding of a simulated Hanoi step, on
// the run's goroutine for every step of a run; first is the first
// encoding's, for comparison.
func BenchmarkEncodeStep(b *testing.B) {
	rec := hanoiStep()
	before := rec.Prev
	b.Run("second", func(b *testing.B) {
		for b.Loop() {
			if _, err := EncodeStep(rec, maker.KeepFlagged, &before); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			if _, err := encodeStep1(rec, maker.KeepFlagged); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRecord measures the decoding of a simulated Hanoi step, which
// show, replay and report do for every step of a run.
func BenchmarkRecord(b *testing.B) {
	rec := hanoiStep()
	before := rec.Prev
	row2, _ := EncodeStep(rec, maker.KeepFlagged, &before)
	row2.Before.String, row2.Before.Valid = before, true
	row1, _ := encodeStep1(rec, maker.KeepFlagged)
	for _, bb := range []struct {
		name string
		row  Row
	}{{"second", row2}, {"first", row1}} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := bb.row.Record(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
