package journalio

import (
	"database/sql"
	"encoding/json"
	"strconv"

	"github.com/maker-go/maker"
)

// encodeStep1 is the first encoding's encoder, as maker wrote steps before
// the second: the tests write journals of the first encoding with it.
func encodeStep1(rec *maker.StepRecord, keep maker.Keep) (Row, error) {
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
		if b, err = appendSample1(b, s, vote, text); err != nil {
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
func appendSample1(b []byte, s *maker.SampleRecord, vote int, text string) ([]byte, error) {
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
		if b, err = appendString1(b, `,"f":`, string(s.Flag)); err != nil {
			return nil, err
		}
	}
	if s.Cancelled {
		b = append(b, `,"c":true`...)
	}
	if text != "" {
		if b, err = appendString1(b, `,"x":`, text); err != nil {
			return nil, err
		}
	}
	b = appendInt1(b, `,"in":`, s.InputTokens)
	b = appendInt1(b, `,"ci":`, s.CachedInputTokens)
	b = appendInt1(b, `,"out":`, s.OutputTokens)
	if s.CostUSD != 0 {
		b = append(b, `,"usd":`...)
		b = strconv.AppendFloat(b, s.CostUSD, 'g', -1, 64)
	}
	b = appendInt1(b, `,"b":`, int64(s.Batch))
	b = appendInt1(b, `,"ns":`, int64(s.Latency))
	b = appendInt1(b, `,"r":`, int64(s.Retries))
	if s.Error != "" {
		if b, err = appendString1(b, `,"e":`, s.Error); err != nil {
			return nil, err
		}
	}
	if s.Model != "" {
		if b, err = appendString1(b, `,"m":`, s.Model); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendInt1(b []byte, name string, n int64) []byte {
	if n == 0 {
		return b
	}
	return strconv.AppendInt(append(b, name...), n, 10)
}

func appendString1(b []byte, name, s string) ([]byte, error) {
	q, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return append(append(b, name...), q...), nil
}
