package journalio

import (
	"encoding/json"
	"fmt"

	"github.com/maker-go/maker"
)

// The first encoding of a step, which journals written before the second
// (codec.go) hold: the winner key and every tally key in full, and the
// samples as an array of objects with every field named. It is only read.

// sampleJSON is one element of a step's samples array in the first
// encoding. Zero fields are left out.
type sampleJSON struct {
	Seq       int     `json:"s"`
	Index     int     `json:"i"`
	Temp      float64 `json:"t,omitempty"`
	Vote      *int    `json:"v,omitempty"` // index of the sample's key in the step's tally
	Flag      string  `json:"f,omitempty"`
	Cancelled bool    `json:"c,omitempty"`
	Text      string  `json:"x,omitempty"`
	In        int64   `json:"in,omitempty"`
	Cached    int64   `json:"ci,omitempty"`
	Out       int64   `json:"out,omitempty"`
	Cost      float64 `json:"usd,omitempty"`
	Batch     int     `json:"b,omitempty"` // completions its request asked for, when several
	Latency   int64   `json:"ns,omitempty"`
	Retries   int     `json:"r,omitempty"`
	Error     string  `json:"e,omitempty"`
	Model     string  `json:"m,omitempty"` // the ensemble member that drew it
}

// record1 decodes a row of the first encoding.
func (r *Row) record1(rec *maker.StepRecord) error {
	if err := json.Unmarshal([]byte(r.Tally), &rec.Tally); err != nil {
		return fmt.Errorf("step %d tally: %w", r.Step+1, err)
	}
	var err error
	if rec.Samples, err = decodeSamples1(r.Samples, rec.Tally); err != nil {
		return fmt.Errorf("step %d samples: %w", r.Step+1, err)
	}
	return nil
}

// decodeSamples1 reads a samples array of the first encoding back into
// records, resolving each vote to its key in the tally.
func decodeSamples1(data string, tally []maker.KeyCount) ([]maker.SampleRecord, error) {
	var raw []sampleJSON
	if err := json.Unmarshal([]byte(data), &raw); err != nil {
		return nil, err
	}
	out := make([]maker.SampleRecord, len(raw))
	for i, r := range raw {
		s := maker.SampleRecord{
			Index: r.Index, Seq: r.Seq, Temperature: r.Temp, Text: r.Text, Flag: maker.Flag(r.Flag), Cancelled: r.Cancelled,
			Usage: maker.Usage{InputTokens: r.In, CachedInputTokens: r.Cached, OutputTokens: r.Out, CostUSD: r.Cost},
			Batch: r.Batch, Latency: timeDuration(r.Latency), Retries: r.Retries, Error: r.Error, Model: r.Model,
		}
		if r.Vote != nil {
			if *r.Vote < 0 || *r.Vote >= len(tally) {
				return nil, errVote(*r.Vote, s.Index)
			}
			s.Voted, s.Key = true, tally[*r.Vote].Key
		}
		out[i] = s
	}
	return out, nil
}
