// Package journalio is what every journal backend shares below the
// [maker.Journal] interface: the one compact encoding of a decided step and
// its samples, and the group-commit [Recorder] that turns observed steps
// into ordered batches for a backend's Store. Backends stay storage only,
// and a journal written by one backend reads the same as another's.
package journalio

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/maker-go/maker"
)

// Row is a decided step encoded for a database, built on the run's
// goroutine so the writer only writes. Its columns are the steps table's.
type Row struct {
	Step, K                            int
	Prev, Action, Key                  string
	State, Tally, Samples              string // JSON: the state, the tally, the compact samples array
	Votes, Flagged, Cancelled, Retries int
	Flags                              sql.NullString // JSON: count by flag; NULL when none
	In, Cached, Out                    int64
	Cost                               float64
	Wall                               int64 // nanoseconds
	Wrong                              bool
	WrongWhy                           sql.NullString
}

// sampleJSON is one element of a step's samples array. The names are short
// because a long run stores millions of them; zero fields are left out.
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

// EncodeStep encodes a decided step, keeping the sample texts keep says.
// A sample's vote is the index of its key in the step's tally, so a key is
// stored once a step.
func EncodeStep(rec *maker.StepRecord, keep maker.Keep) (Row, error) {
	state, err := json.Marshal(rec.State)
	if err != nil {
		return Row{}, err
	}
	tally, err := json.Marshal(rec.Tally)
	if err != nil {
		return Row{}, err
	}
	row := Row{
		Step: rec.Step, K: rec.K, Prev: rec.Prev, Action: rec.Action, Key: rec.Key,
		State: string(state), Tally: string(tally),
		Votes: rec.Votes, Flagged: rec.Flagged, Cancelled: rec.Cancelled, Retries: rec.Retries,
		In: rec.InputTokens, Cached: rec.CachedInputTokens, Out: rec.OutputTokens, Cost: rec.CostUSD, Wall: int64(rec.Wall),
		Wrong: rec.Wrong, WrongWhy: nullString(rec.WrongWhy),
	}
	var flags map[maker.Flag]int
	b := make([]byte, 0, 64*len(rec.Samples)+2)
	b = append(b, '[')
	for i := range rec.Samples {
		s := &rec.Samples[i]
		if i > 0 {
			b = append(b, ',')
		}
		vote := -1
		if s.Voted {
			for v, kc := range rec.Tally {
				if kc.Key == s.Key {
					vote = v
					break
				}
			}
		}
		text := ""
		if keep.Text(s, rec.Key) {
			text = s.Text
		}
		if b, err = appendSample(b, s, vote, text); err != nil {
			return Row{}, err
		}
		if s.Flag != maker.FlagNone {
			if flags == nil {
				flags = map[maker.Flag]int{}
			}
			flags[s.Flag]++
		}
	}
	b = append(b, ']')
	row.Samples = string(b)
	if flags != nil {
		fb, err := json.Marshal(flags)
		if err != nil {
			return Row{}, err
		}
		row.Flags = sql.NullString{String: string(fb), Valid: true}
	}
	return row, nil
}

// appendSample writes what json.Marshal would write for the sample's
// sampleJSON, without reflection: the journal encodes every sample of a run
// on the run's own goroutine.
func appendSample(b []byte, s *maker.SampleRecord, vote int, text string) ([]byte, error) {
	b = append(b, `{"s":`...)
	b = strconv.AppendInt(b, int64(s.Seq), 10)
	b = append(b, `,"i":`...)
	b = strconv.AppendInt(b, int64(s.Index), 10)
	if s.Temperature != 0 {
		b = append(b, `,"t":`...)
		b = strconv.AppendFloat(b, s.Temperature, 'g', -1, 64)
	}
	if vote >= 0 {
		b = append(b, `,"v":`...)
		b = strconv.AppendInt(b, int64(vote), 10)
	}
	var err error
	if s.Flag != "" {
		if b, err = appendString(b, `,"f":`, string(s.Flag)); err != nil {
			return nil, err
		}
	}
	if s.Cancelled {
		b = append(b, `,"c":true`...)
	}
	if text != "" {
		if b, err = appendString(b, `,"x":`, text); err != nil {
			return nil, err
		}
	}
	b = appendInt(b, `,"in":`, s.InputTokens)
	b = appendInt(b, `,"ci":`, s.CachedInputTokens)
	b = appendInt(b, `,"out":`, s.OutputTokens)
	if s.CostUSD != 0 {
		b = append(b, `,"usd":`...)
		b = strconv.AppendFloat(b, s.CostUSD, 'g', -1, 64)
	}
	b = appendInt(b, `,"b":`, int64(s.Batch))
	b = appendInt(b, `,"ns":`, int64(s.Latency))
	b = appendInt(b, `,"r":`, int64(s.Retries))
	if s.Error != "" {
		if b, err = appendString(b, `,"e":`, s.Error); err != nil {
			return nil, err
		}
	}
	if s.Model != "" {
		if b, err = appendString(b, `,"m":`, s.Model); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendInt(b []byte, name string, n int64) []byte {
	if n == 0 {
		return b
	}
	return strconv.AppendInt(append(b, name...), n, 10)
}

func appendString(b []byte, name, s string) ([]byte, error) {
	q, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return append(append(b, name...), q...), nil
}

// DecodeSamples reads a step's samples array back into records, resolving
// each vote to its key in the tally.
func DecodeSamples(data string, tally []maker.KeyCount) ([]maker.SampleRecord, error) {
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

func timeDuration(ns int64) time.Duration { return time.Duration(ns) }

func errVote(vote, index int) error {
	return fmt.Errorf("sample %d: vote %d outside the tally", index+1, vote)
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// Record decodes a row read back from a database into the step as the run
// saw it, except that State is the state's JSON (json.RawMessage) and a
// sample's Text is empty where the keep policy dropped it. Flags is not
// read: the samples carry each flag.
func (r *Row) Record() (*maker.StepRecord, error) {
	rec := &maker.StepRecord{
		Step: r.Step, K: r.K, Prev: r.Prev, Action: r.Action, Key: r.Key, State: json.RawMessage(r.State),
		Votes: r.Votes, Flagged: r.Flagged, Cancelled: r.Cancelled, Retries: r.Retries,
		Usage: maker.Usage{InputTokens: r.In, CachedInputTokens: r.Cached, OutputTokens: r.Out, CostUSD: r.Cost},
		Wall:  time.Duration(r.Wall), Wrong: r.Wrong, WrongWhy: r.WrongWhy.String,
	}
	if err := json.Unmarshal([]byte(r.Tally), &rec.Tally); err != nil {
		return nil, fmt.Errorf("step %d tally: %w", r.Step+1, err)
	}
	var err error
	if rec.Samples, err = DecodeSamples(r.Samples, rec.Tally); err != nil {
		return nil, fmt.Errorf("step %d samples: %w", r.Step+1, err)
	}
	return rec, nil
}
