package sqlite

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/maker-go/maker"
)

// stepRow is a decided step encoded for the database, built on the run's
// goroutine so the writer only writes.
type stepRow struct {
	step, k                            int
	prev, action, key                  string
	state, tally, samples              string
	votes, flagged, cancelled, retries int
	flags                              sql.NullString
	in, cached, out                    int64
	cost                               float64
	wall                               int64
	wrong                              bool
	wrongWhy                           sql.NullString
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
}

func encodeStep(rec *maker.StepRecord, keep Keep) (stepRow, error) {
	state, err := json.Marshal(rec.State)
	if err != nil {
		return stepRow{}, err
	}
	tally, err := json.Marshal(rec.Tally)
	if err != nil {
		return stepRow{}, err
	}
	row := stepRow{
		step: rec.Step, k: rec.K, prev: rec.Prev, action: rec.Action, key: rec.Key,
		state: string(state), tally: string(tally),
		votes: rec.Votes, flagged: rec.Flagged, cancelled: rec.Cancelled, retries: rec.Retries,
		in: rec.InputTokens, cached: rec.CachedInputTokens, out: rec.OutputTokens, cost: rec.CostUSD, wall: int64(rec.Wall),
		wrong: rec.Wrong, wrongWhy: nullString(rec.WrongWhy),
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
		if keepText(keep, s, rec.Key) {
			text = s.Text
		}
		if b, err = appendSample(b, s, vote, text); err != nil {
			return stepRow{}, err
		}
		if s.Flag != maker.FlagNone {
			if flags == nil {
				flags = map[maker.Flag]int{}
			}
			flags[s.Flag]++
		}
	}
	b = append(b, ']')
	row.samples = string(b)
	if flags != nil {
		fb, err := json.Marshal(flags)
		if err != nil {
			return stepRow{}, err
		}
		row.flags = sql.NullString{String: string(fb), Valid: true}
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

// decodeSamples reads a step's samples array back into records, resolving
// each vote to its key in the tally.
func decodeSamples(data string, tally []maker.KeyCount) ([]maker.SampleRecord, error) {
	var raw []sampleJSON
	if err := json.Unmarshal([]byte(data), &raw); err != nil {
		return nil, err
	}
	out := make([]maker.SampleRecord, len(raw))
	for i, r := range raw {
		s := maker.SampleRecord{
			Index: r.Index, Seq: r.Seq, Temperature: r.Temp, Text: r.Text, Flag: maker.Flag(r.Flag), Cancelled: r.Cancelled,
			Usage: maker.Usage{InputTokens: r.In, CachedInputTokens: r.Cached, OutputTokens: r.Out, CostUSD: r.Cost},
			Batch: r.Batch, Latency: timeDuration(r.Latency), Retries: r.Retries, Error: r.Error,
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

// keepText applies the sample-text policy.
func keepText(keep Keep, s *maker.SampleRecord, winner string) bool {
	switch keep {
	case KeepAll:
		return true
	case KeepFlagged:
		return s.Flag != maker.FlagNone || s.Error != "" || (s.Voted && s.Key != winner)
	}
	return false
}

func timeDuration(ns int64) time.Duration { return time.Duration(ns) }

func errVote(vote, index int) error {
	return fmt.Errorf("sample %d: vote %d outside the tally", index+1, vote)
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
