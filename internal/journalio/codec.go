// Package journalio is what every journal backend shares below the
// [maker.Journal] interface: the one compact encoding of a decided step and
// its samples, and the group-commit [Recorder] that turns observed steps
// into ordered batches for a backend's Store. Backends stay storage only,
// and a journal written by one backend reads the same as another's.
package journalio

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/maker-go/maker"
)

// Row is a decided step encoded for a database, built on the run's
// goroutine so the writer only writes. Its columns are the steps table's.
//
// A long run stores millions of rows, so a row holds nothing that another
// column already says (the encoding is described in docs/journal.md):
//   - Prev is empty when it is the action of the step before, as it is
//     but in the first step a session records.
//   - Key is the winner key without the state JSON in it: most tasks' keys
//     are the action and the state, and the state is a column of its own.
//   - Tally holds, for each candidate in the order they first got a vote,
//     its votes when it is the winner, or its key and votes ["key", n].
//   - Samples is [2, {defaults}, sample...], each sample an array
//     [output tokens, cost in millionths of a dollar, latency in ns] with
//     an object of whatever differs from what the defaults and the other
//     columns give (its vote, flag, text, ...).
//
// The leading 2 tells this encoding from the first, in which journals
// written before it keep their steps (codec1.go); both read back the same.
type Row struct {
	Step, K                            int
	Prev, Action, Key                  string
	State, Tally, Samples              string // JSON: the state, the tally, the samples
	Votes, Flagged, Cancelled, Retries int
	Flags                              sql.NullString // JSON: count by flag; NULL when none
	In, Cached, Out                    int64
	Cost                               float64
	Wall                               int64 // nanoseconds
	Wrong                              bool
	WrongWhy                           sql.NullString

	// Before is the action of the step before, which a reader selects
	// with the row where Prev is empty (see [BeforeColumn]); it is no
	// column of the steps table.
	Before sql.NullString
}

// BeforeColumn is the expression a backend selects for [Row.Before] from
// its steps table st: the previous step's action where a row leaves its
// Prev to it.
const BeforeColumn = `CASE WHEN st.prev = '' AND st.step > 0 THEN (SELECT b.action FROM steps b WHERE b.run = st.run AND b.step = st.step - 1) END`

// format2 opens the samples column of a row in the second encoding.
const format2 = "[2"

// header is the second element of a samples array: what the samples of
// the step share, and how to put the winner key together again. Zero
// fields are left out.
type header struct {
	// PrevLiteral: the step's Prev is empty, not the action before it.
	PrevLiteral bool `json:"pl,omitempty"`
	// KeyLiteral: the key column is the whole winner key, which does not
	// hold the state's JSON.
	KeyLiteral bool `json:"kl,omitempty"`
	// KeyEnd is how many characters of the winner key follow the state's
	// JSON (characters, as SQL's substr counts them, for the samples view).
	KeyEnd int `json:"ke,omitempty"`
	// In and Cached are a sample's input and cached input tokens when
	// they are not the step's divided by its samples.
	In     *int64 `json:"in,omitempty"`
	Cached *int64 `json:"ci,omitempty"`
	// Temp is the temperature of every sample but the first launched,
	// whose temperature is Temp0, when they are not the encoding's
	// defaults.
	Temp  *float64 `json:"t,omitempty"`
	Temp0 *float64 `json:"t0,omitempty"`
	// Hit is where a step the decision cache decided was decided first
	// (maker.StepRecord.CacheHit); such a step has no samples.
	Hit string `json:"hit,omitempty"`
}

// The temperatures a step's samples have when its header names none: the
// engine's defaults when this encoding was made. They are the encoding's
// own, and stay these whatever the engine's defaults become.
const (
	defaultTemp  = 0.1
	defaultTemp0 = 0.0
)

// extra is the object that ends a sample's array: what differs from what
// the header and the sample's place give. A sample votes, by default, for
// the tally's first candidate unless it was flagged, cancelled or failed;
// its seq is its place in the array and its launch index its seq.
type extra struct {
	Seq       *int     `json:"s,omitempty"`
	Index     *int     `json:"i,omitempty"`
	Vote      *int     `json:"v,omitempty"` // index of its key in the tally; -1: no vote
	Temp      *float64 `json:"t,omitempty"`
	Flag      string   `json:"f,omitempty"`
	Reason    string   `json:"fr,omitempty"` // the validator's, for an invalid sample
	Cancelled bool     `json:"c,omitempty"`
	Text      string   `json:"x,omitempty"`
	In        *int64   `json:"in,omitempty"`
	Cached    *int64   `json:"ci,omitempty"`
	Cost      *float64 `json:"usd,omitempty"` // in dollars, when no number of millionths gives it exactly
	Batch     int      `json:"b,omitempty"`   // completions its request asked for, when several
	Retries   int      `json:"r,omitempty"`
	Error     string   `json:"e,omitempty"`
	Model     string   `json:"m,omitempty"` // the ensemble member that drew it
}

// EncodeStep encodes a decided step, keeping the sample texts keep says.
// before is the action of the step before it when the caller recorded that
// step (nil when not): a Prev that repeats it is left out.
func EncodeStep(rec *maker.StepRecord, keep maker.Keep, before *string) (Row, error) {
	state, err := json.Marshal(rec.State)
	if err != nil {
		return Row{}, err
	}
	row := Row{
		Step: rec.Step, K: rec.K, Prev: rec.Prev, Action: rec.Action,
		State: string(state),
		Votes: rec.Votes, Flagged: rec.Flagged, Cancelled: rec.Cancelled, Retries: rec.Retries,
		In: rec.InputTokens, Cached: rec.CachedInputTokens, Out: rec.OutputTokens, Cost: rec.CostUSD, Wall: int64(rec.Wall),
		Wrong: rec.Wrong, WrongWhy: nullString(rec.WrongWhy),
	}
	var h header
	if rec.Step > 0 && before != nil && rec.Prev == *before {
		row.Prev = ""
	} else if rec.Step > 0 && rec.Prev == "" {
		h.PrevLiteral = true
	}
	row.Key, h.KeyEnd, h.KeyLiteral = elideState(rec.Key, row.State)
	if row.Tally, err = encodeTally(rec.Tally, rec.Key, rec.Votes); err != nil {
		return Row{}, err
	}
	n := int64(len(rec.Samples))
	if n > 0 {
		h.In = sharedTokens(rec.Samples, rec.InputTokens/n, func(s *maker.SampleRecord) int64 { return s.InputTokens })
		h.Cached = sharedTokens(rec.Samples, rec.CachedInputTokens/n, func(s *maker.SampleRecord) int64 { return s.CachedInputTokens })
	}
	h.Temp, h.Temp0 = temperatures(rec.Samples)
	h.Hit = rec.CacheHit
	temp, temp0 := h.temperatures()
	var flags map[maker.Flag]int
	b := make([]byte, 0, 24*len(rec.Samples)+48)
	b = append(b, format2+","...)
	if b, err = appendHeader(b, &h); err != nil {
		return Row{}, err
	}
	inDefault, cachedDefault := defaultTokens(&h, rec.InputTokens, rec.CachedInputTokens, len(rec.Samples))
	for i := range rec.Samples {
		s := &rec.Samples[i]
		text := ""
		if keep.Text(s, rec.Key) {
			text = s.Text
		}
		d := defaults{seq: i, in: inDefault, cached: cachedDefault, temp: temp, temp0: temp0}
		b = append(b, ',')
		if b, err = appendSample(b, s, voteIndex(s, rec.Tally), text, &d); err != nil {
			return Row{}, fmt.Errorf("sample %d: %w", s.Index+1, err)
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

// elideState returns the key column for a winner key: the key without the
// last place the state's JSON appears in it, and how many characters
// follow that place; literal when the state is not in the key (or the key
// is not UTF-8, whose characters SQL would count otherwise).
func elideState(key, state string) (col string, end int, literal bool) {
	i := strings.LastIndex(key, state)
	if i < 0 || !utf8.ValidString(key) {
		return key, 0, true
	}
	rest := key[i+len(state):]
	return key[:i] + rest, utf8.RuneCountInString(rest), false
}

// restoreKey is the inverse of elideState.
func restoreKey(col, state string, end int, literal bool) (string, error) {
	if literal {
		return col, nil
	}
	i := len(col)
	for ; end > 0 && i > 0; end-- {
		_, size := utf8.DecodeLastRuneInString(col[:i])
		i -= size
	}
	if end != 0 {
		return "", errors.New("key: the state's place is outside the key")
	}
	return col[:i] + state + col[i:], nil
}

// encodeTally writes the tally with the winner's key left out: nothing at
// all when the winner had every vote, as in most steps.
func encodeTally(tally []maker.KeyCount, winner string, votes int) (string, error) {
	if len(tally) == 1 && tally[0].Key == winner && tally[0].Votes == votes {
		return "", nil
	}
	b := make([]byte, 0, 8*len(tally)+2)
	b = append(b, '[')
	var err error
	for i, kc := range tally {
		if i > 0 {
			b = append(b, ',')
		}
		if kc.Key == winner {
			b = strconv.AppendInt(b, int64(kc.Votes), 10)
			continue
		}
		if b, err = appendString(append(b, '['), "", kc.Key); err != nil {
			return "", err
		}
		b = strconv.AppendInt(append(b, ','), int64(kc.Votes), 10)
		b = append(b, ']')
	}
	return string(append(b, ']')), nil
}

// decodeTally reads a tally written by encodeTally.
func decodeTally(data, winner string, votes int) ([]maker.KeyCount, error) {
	if data == "" {
		return []maker.KeyCount{{Key: winner, Votes: votes}}, nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(data), &raw); err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, nil
	}
	out := make([]maker.KeyCount, len(raw))
	for i, e := range raw {
		if len(e) > 0 && e[0] == '[' {
			var pair []json.RawMessage
			if err := json.Unmarshal(e, &pair); err != nil || len(pair) != 2 {
				return nil, fmt.Errorf("candidate %d: want [key, votes]", i+1)
			}
			if err := json.Unmarshal(pair[0], &out[i].Key); err != nil {
				return nil, fmt.Errorf("candidate %d key: %w", i+1, err)
			}
			e = pair[1]
		} else {
			out[i].Key = winner
		}
		if err := json.Unmarshal(e, &out[i].Votes); err != nil {
			return nil, fmt.Errorf("candidate %d votes: %w", i+1, err)
		}
	}
	return out, nil
}

// voteIndex is the index of the sample's key in the tally; -1 when it did
// not vote (or voted for a key the tally lacks, which cannot be kept).
func voteIndex(s *maker.SampleRecord, tally []maker.KeyCount) int {
	if !s.Voted {
		return -1
	}
	for v, kc := range tally {
		if kc.Key == s.Key {
			return v
		}
	}
	return -1
}

// defaultVote is the vote a sample has when its array says none: the
// tally's first candidate for a sample that was not flagged, cancelled or
// failed, no vote for the others.
func defaultVote(flag maker.Flag, cancelled bool, errText string) int {
	if flag != maker.FlagNone || cancelled || errText != "" {
		return -1
	}
	return 0
}

// sharedTokens returns nil when every sample has def tokens (the step's
// over its samples), else the first sample's count, the default the
// others differ from.
func sharedTokens(samples []maker.SampleRecord, def int64, tokens func(*maker.SampleRecord) int64) *int64 {
	first := tokens(&samples[0])
	all := true
	for i := range samples {
		all = all && tokens(&samples[i]) == def
	}
	if all {
		return nil
	}
	return &first
}

// defaultTokens is a sample's input and cached tokens when its array does
// not say.
func defaultTokens(h *header, in, cached int64, n int) (int64, int64) {
	var di, dc int64
	if n > 0 {
		di, dc = in/int64(n), cached/int64(n)
	}
	if h.In != nil {
		di = *h.In
	}
	if h.Cached != nil {
		dc = *h.Cached
	}
	return di, dc
}

// temperatures are the header's: that of the first sample launched after
// the first, and the first launched sample's; nil where the default.
func temperatures(samples []maker.SampleRecord) (rest, first *float64) {
	restSet := false
	for i := range samples {
		t := samples[i].Temperature
		if samples[i].Index == 0 {
			first = &t
		} else if !restSet {
			rest, restSet = &t, true
		}
	}
	if rest != nil && *rest == defaultTemp {
		rest = nil
	}
	if first != nil && *first == defaultTemp0 {
		first = nil
	}
	return rest, first
}

// temperatures are the samples' temperatures the header gives.
func (h *header) temperatures() (rest, first float64) {
	rest, first = defaultTemp, defaultTemp0
	if h.Temp != nil {
		rest = *h.Temp
	}
	if h.Temp0 != nil {
		first = *h.Temp0
	}
	return rest, first
}

// defaults are what a sample's array leaves out.
type defaults struct {
	seq         int
	in, cached  int64
	temp, temp0 float64
}

func (d *defaults) temperature(index int) float64 {
	if index == 0 {
		return d.temp0
	}
	return d.temp
}

func appendHeader(b []byte, h *header) ([]byte, error) {
	b = append(b, '{')
	start := len(b)
	sep := func() {
		if len(b) > start {
			b = append(b, ',')
		}
	}
	if h.PrevLiteral {
		b = append(b, `"pl":true`...)
	}
	if h.KeyLiteral {
		sep()
		b = append(b, `"kl":true`...)
	}
	if h.KeyEnd != 0 {
		sep()
		b = strconv.AppendInt(append(b, `"ke":`...), int64(h.KeyEnd), 10)
	}
	if h.In != nil {
		sep()
		b = strconv.AppendInt(append(b, `"in":`...), *h.In, 10)
	}
	if h.Cached != nil {
		sep()
		b = strconv.AppendInt(append(b, `"ci":`...), *h.Cached, 10)
	}
	var err error
	if h.Temp != nil {
		sep()
		if b, err = appendFloat(append(b, `"t":`...), *h.Temp); err != nil {
			return nil, fmt.Errorf("temperature: %w", err)
		}
	}
	if h.Temp0 != nil {
		sep()
		if b, err = appendFloat(append(b, `"t0":`...), *h.Temp0); err != nil {
			return nil, fmt.Errorf("temperature: %w", err)
		}
	}
	if h.Hit != "" {
		sep()
		if b, err = appendString(b, `"hit":`, h.Hit); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// appendSample writes a sample as [out, micros, ns] (trailing zeros left
// out) and, when anything differs from the defaults, the extra object
// after all three.
func appendSample(b []byte, s *maker.SampleRecord, vote int, text string, d *defaults) ([]byte, error) {
	micros, exact, err := costMicros(s.CostUSD)
	if err != nil {
		return nil, err
	}
	var x []byte
	field := func(name string) {
		if len(x) == 0 {
			x = append(x, '{')
		} else {
			x = append(x, ',')
		}
		x = append(x, name...)
	}
	if s.Seq != d.seq {
		field(`"s":`)
		x = strconv.AppendInt(x, int64(s.Seq), 10)
	}
	if s.Index != s.Seq {
		field(`"i":`)
		x = strconv.AppendInt(x, int64(s.Index), 10)
	}
	if vote != defaultVote(s.Flag, s.Cancelled, s.Error) {
		field(`"v":`)
		x = strconv.AppendInt(x, int64(vote), 10)
	}
	if t := s.Temperature; t != d.temperature(s.Index) {
		field(`"t":`)
		if x, err = appendFloat(x, t); err != nil {
			return nil, fmt.Errorf("temperature: %w", err)
		}
	}
	if s.Flag != "" {
		field(`"f":`)
		if x, err = appendString(x, "", string(s.Flag)); err != nil {
			return nil, err
		}
	}
	if s.FlagReason != "" {
		field(`"fr":`)
		if x, err = appendString(x, "", s.FlagReason); err != nil {
			return nil, err
		}
	}
	if s.Cancelled {
		field(`"c":true`)
	}
	if text != "" {
		field(`"x":`)
		if x, err = appendString(x, "", text); err != nil {
			return nil, err
		}
	}
	if s.InputTokens != d.in {
		field(`"in":`)
		x = strconv.AppendInt(x, s.InputTokens, 10)
	}
	if s.CachedInputTokens != d.cached {
		field(`"ci":`)
		x = strconv.AppendInt(x, s.CachedInputTokens, 10)
	}
	if !exact {
		field(`"usd":`)
		if x, err = appendFloat(x, s.CostUSD); err != nil {
			return nil, fmt.Errorf("cost: %w", err)
		}
	}
	if s.Batch != 0 {
		field(`"b":`)
		x = strconv.AppendInt(x, int64(s.Batch), 10)
	}
	if s.Retries != 0 {
		field(`"r":`)
		x = strconv.AppendInt(x, int64(s.Retries), 10)
	}
	if s.Error != "" {
		field(`"e":`)
		if x, err = appendString(x, "", s.Error); err != nil {
			return nil, err
		}
	}
	if s.Model != "" {
		field(`"m":`)
		if x, err = appendString(x, "", s.Model); err != nil {
			return nil, err
		}
	}
	n := 3
	switch {
	case len(x) > 0:
	case s.Latency != 0:
	case micros != 0:
		n = 2
	case s.OutputTokens != 0:
		n = 1
	default:
		n = 0
	}
	b = append(b, '[')
	if n >= 1 {
		b = strconv.AppendInt(b, s.OutputTokens, 10)
	}
	if n >= 2 {
		b = strconv.AppendFloat(append(b, ','), micros, 'g', -1, 64)
	}
	if n >= 3 {
		b = strconv.AppendInt(append(b, ','), int64(s.Latency), 10)
	}
	if len(x) > 0 {
		b = append(append(append(b, ','), x...), '}')
	}
	return append(b, ']'), nil
}

// costMicros finds the cost in millionths of a dollar, m with m/1e6 the
// cost to the bit: prices are per million tokens, so m is usually the
// short number a price times the tokens gives (1029.2 for $0.0010292),
// where the cost itself is often not (0.0010244000000000002). exact is
// false when no m near cost×1e6 gives the cost back; the sample then
// keeps its cost in dollars.
func costMicros(cost float64) (m float64, exact bool, err error) {
	if math.IsNaN(cost) || math.IsInf(cost, 0) {
		return 0, false, fmt.Errorf("cost %v is not a finite number", cost)
	}
	if cost == 0 {
		return 0, !math.Signbit(cost), nil
	}
	guess := cost * 1e6
	if guess/1e6 == cost && len(strconv.FormatFloat(guess, 'g', -1, 64)) <= 8 {
		return guess, true, nil
	}
	best, bestLen := 0.0, 0
	for _, dir := range []float64{math.Inf(1), math.Inf(-1)} {
		c := guess
		for range 3 {
			if c/1e6 == cost && !math.IsInf(c, 0) {
				if l := len(strconv.FormatFloat(c, 'g', -1, 64)); bestLen == 0 || l < bestLen {
					best, bestLen = c, l
				}
			}
			c = math.Nextafter(c, dir)
		}
	}
	return best, bestLen > 0, nil
}

// appendFloat writes a finite float as JSON does.
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%v is not a finite number", f)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64), nil
}

func appendString(b []byte, name, s string) ([]byte, error) {
	q, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return append(append(b, name...), q...), nil
}

func timeDuration(ns int64) time.Duration { return time.Duration(ns) }

func errVote(vote, index int) error {
	return fmt.Errorf("sample %d: vote %d outside the tally", index+1, vote)
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// Record decodes a row read back from a database, of either encoding, into
// the step as the run saw it, except that State is the state's JSON
// (json.RawMessage) and a sample's Text is empty where the keep policy
// dropped it. Flags is not read: the samples carry each flag.
func (r *Row) Record() (*maker.StepRecord, error) {
	rec := &maker.StepRecord{
		Step: r.Step, K: r.K, Prev: r.Prev, Action: r.Action, Key: r.Key, State: json.RawMessage(r.State),
		Votes: r.Votes, Flagged: r.Flagged, Cancelled: r.Cancelled, Retries: r.Retries,
		Usage: maker.Usage{InputTokens: r.In, CachedInputTokens: r.Cached, OutputTokens: r.Out, CostUSD: r.Cost},
		Wall:  time.Duration(r.Wall), Wrong: r.Wrong, WrongWhy: r.WrongWhy.String,
	}
	if !strings.HasPrefix(r.Samples, format2) {
		if err := r.record1(rec); err != nil {
			return nil, err
		}
		return rec, nil
	}
	if err := r.record2(rec); err != nil {
		return nil, fmt.Errorf("step %d: %w", r.Step+1, err)
	}
	return rec, nil
}

// record2 decodes a row of the second encoding.
func (r *Row) record2(rec *maker.StepRecord) error {
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(r.Samples), &raw); err != nil {
		return fmt.Errorf("samples: %w", err)
	}
	if len(raw) < 2 {
		return errors.New("samples: no header")
	}
	var h header
	if err := json.Unmarshal(raw[1], &h); err != nil {
		return fmt.Errorf("samples header: %w", err)
	}
	if h.KeyEnd < 0 {
		return fmt.Errorf("samples header: key end %d", h.KeyEnd)
	}
	if r.Prev == "" && r.Step > 0 && !h.PrevLiteral {
		if !r.Before.Valid {
			return errors.New("the step before it, whose action is its previous action, is missing")
		}
		rec.Prev = r.Before.String
	}
	var err error
	if rec.Key, err = restoreKey(r.Key, r.State, h.KeyEnd, h.KeyLiteral); err != nil {
		return err
	}
	if rec.Tally, err = decodeTally(r.Tally, rec.Key, r.Votes); err != nil {
		return fmt.Errorf("tally: %w", err)
	}
	rec.CacheHit = h.Hit
	raw = raw[2:]
	if len(raw) == 0 {
		return nil
	}
	inDefault, cachedDefault := defaultTokens(&h, r.In, r.Cached, len(raw))
	temp, temp0 := h.temperatures()
	rec.Samples = make([]maker.SampleRecord, len(raw))
	for i, e := range raw {
		d := defaults{seq: i, in: inDefault, cached: cachedDefault, temp: temp, temp0: temp0}
		if err := decodeSample(e, &d, rec.Tally, &rec.Samples[i]); err != nil {
			return fmt.Errorf("sample %d: %w", i+1, err)
		}
	}
	return nil
}

// decodeSample reads one sample's array, which the samples array's
// decoding has already checked is JSON. The numbers are read by hand: a
// million-step journal holds millions of them.
func decodeSample(e json.RawMessage, d *defaults, tally []maker.KeyCount, s *maker.SampleRecord) error {
	body := strings.TrimSpace(string(e))
	if len(body) < 2 || body[0] != '[' {
		return errors.New("not an array")
	}
	body = body[1 : len(body)-1]
	var nums [3]string
	var obj string
	for n := 0; ; n++ {
		body = strings.TrimSpace(body)
		if body == "" {
			break
		}
		if body[0] == '{' {
			if n != len(nums) {
				return errors.New("the object must follow three numbers")
			}
			obj = body
			break
		}
		if n == len(nums) {
			return errors.New("more than three numbers")
		}
		nums[n], body, _ = strings.Cut(body, ",")
		nums[n] = strings.TrimSpace(nums[n])
	}
	var err error
	if nums[0] != "" {
		if s.OutputTokens, err = strconv.ParseInt(nums[0], 10, 64); err != nil {
			return fmt.Errorf("output tokens %s: not an integer", nums[0])
		}
	}
	if nums[1] != "" {
		micros, err := strconv.ParseFloat(nums[1], 64)
		if err != nil {
			return fmt.Errorf("cost %s: not a number", nums[1])
		}
		s.CostUSD = micros / 1e6
	}
	if nums[2] != "" {
		ns, err := strconv.ParseInt(nums[2], 10, 64)
		if err != nil {
			return fmt.Errorf("latency %s: not an integer", nums[2])
		}
		s.Latency = time.Duration(ns)
	}
	var x extra
	if obj != "" {
		if err := json.Unmarshal([]byte(obj), &x); err != nil {
			return err
		}
	}
	s.Seq = d.seq
	if x.Seq != nil {
		s.Seq = *x.Seq
	}
	s.Index = s.Seq
	if x.Index != nil {
		s.Index = *x.Index
	}
	s.Temperature = d.temperature(s.Index)
	if x.Temp != nil {
		s.Temperature = *x.Temp
	}
	s.Flag, s.Cancelled, s.Text, s.Error, s.Model = maker.Flag(x.Flag), x.Cancelled, x.Text, x.Error, x.Model
	s.FlagReason = x.Reason
	s.InputTokens, s.CachedInputTokens = d.in, d.cached
	if x.In != nil {
		s.InputTokens = *x.In
	}
	if x.Cached != nil {
		s.CachedInputTokens = *x.Cached
	}
	if x.Cost != nil {
		s.CostUSD = *x.Cost
	}
	s.Batch, s.Retries = x.Batch, x.Retries
	vote := defaultVote(s.Flag, s.Cancelled, s.Error)
	if x.Vote != nil {
		vote = *x.Vote
	}
	if vote >= 0 {
		if vote >= len(tally) {
			return errVote(vote, s.Index)
		}
		s.Voted, s.Key = true, tally[vote].Key
	} else if vote != -1 {
		return errVote(vote, s.Index)
	}
	return nil
}
