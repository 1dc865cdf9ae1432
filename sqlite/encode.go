package sqlite

import (
	"database/sql"
	"encoding/json"

	"github.com/maker-go/maker"
)

// stepRow is a decided step encoded for the database, built on the run's
// goroutine so the writer only writes.
type stepRow struct {
	step, k                            int
	prev, action, key                  string
	state, tally                       string
	votes, flagged, cancelled, retries int
	flags                              sql.NullString
	in, cached, out                    int64
	cost                               float64
	wall                               int64
	wrong                              bool
	wrongWhy                           sql.NullString
	samples                            []sampleRow
}

type sampleRow struct {
	seq, idx        int
	temp            float64
	vote            sql.NullInt64 // index of the sample's key in the step's tally
	flag            sql.NullString
	cancelled       bool
	text            sql.NullString
	in, cached, out int
	cost            float64
	latency         int64
	retries         int
	err             sql.NullString
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
		in: rec.InputTok, cached: rec.CachedIn, out: rec.OutputTok, cost: rec.Cost, wall: int64(rec.Wall),
		wrong: rec.Wrong, wrongWhy: nullString(rec.WrongWhy),
		samples: make([]sampleRow, len(rec.Samples)),
	}
	index := make(map[string]int, len(rec.Tally))
	for i, kc := range rec.Tally {
		index[kc.Key] = i
	}
	var flags map[maker.Flag]int
	for i := range rec.Samples {
		s := &rec.Samples[i]
		sr := sampleRow{
			seq: s.Seq, idx: s.Index, temp: s.Temperature,
			flag: nullString(string(s.Flag)), cancelled: s.Cancelled,
			in: s.InputTokens, cached: s.CachedInput, out: s.OutputTok, cost: s.Cost,
			latency: int64(s.Latency), retries: s.Retries, err: nullString(s.Error),
		}
		if s.Voted {
			sr.vote = sql.NullInt64{Int64: int64(index[s.Key]), Valid: true}
		}
		if s.Flag != maker.FlagNone {
			if flags == nil {
				flags = map[maker.Flag]int{}
			}
			flags[s.Flag]++
		}
		if keepText(keep, s, rec.Key) {
			sr.text = sql.NullString{String: s.Text, Valid: true}
		}
		row.samples[i] = sr
	}
	if flags != nil {
		b, err := json.Marshal(flags)
		if err != nil {
			return stepRow{}, err
		}
		row.flags = sql.NullString{String: string(b), Valid: true}
	}
	return row, nil
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

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
