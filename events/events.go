// Package events writes one JSON line per decided step while a run goes,
// for dashboards and log shippers that tail a file. It is a
// [maker.Observer]; the full record of a step, samples included, is the
// journal's job, so a line carries only what a live view needs.
package events

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/maker-go/maker"
)

// Event is one decided step. Time is when it was decided, where that is
// known: a step read back from a journal, which keeps no time of its own,
// has none, and its event leaves the field out rather than claim year 1.
type Event struct {
	Time         time.Time        `json:"time,omitzero"`
	Run          string           `json:"run,omitempty"`
	Model        string           `json:"model,omitempty"`
	Simulated    bool             `json:"simulated,omitempty"` // the model was the simulator: no LLM was called
	Step         int              `json:"step"`                // 1-based
	Total        int              `json:"total_steps,omitempty"`
	K            int              `json:"k"`
	Action       string           `json:"action"`
	Key          string           `json:"key"`
	Votes        int              `json:"votes"`
	Samples      int              `json:"samples"`
	Flagged      map[string]int   `json:"flagged,omitempty"`
	Cancelled    int              `json:"cancelled"`
	Tally        []maker.KeyCount `json:"tally"`
	InputTokens  int64            `json:"input_tokens"`
	OutputTokens int64            `json:"output_tokens"`
	CostUSD      float64          `json:"cost_usd"`
	WallMS       float64          `json:"wall_ms"`
	Wrong        bool             `json:"wrong,omitempty"`
	WrongWhy     string           `json:"wrong_why,omitempty"`
	// Speculative and Wasted are the step's speculation: started ahead
	// and kept, and the samples of its attempts thrown away.
	Speculative bool `json:"speculative,omitempty"`
	Wasted      int  `json:"speculative_wasted,omitempty"`
}

// Writer writes events to w, one line each, flushed after every line so a
// reader tailing the file sees each step as soon as it is decided.
type Writer struct {
	// Model and Simulated are copied into every event, so a dashboard
	// reading only the stream still knows a simulated run for one.
	Model     string
	Simulated bool

	mu    sync.Mutex
	w     *bufio.Writer
	enc   *json.Encoder
	run   string
	total int
	now   func() time.Time
}

var _ maker.Observer = (*Writer)(nil)

// New returns a writer of the events of run (its journal id, or "") of a
// task of total steps (0 when unknown).
func New(w io.Writer, run string, total int) *Writer {
	bw := bufio.NewWriter(w)
	return &Writer{w: bw, enc: json.NewEncoder(bw), run: run, total: total, now: time.Now}
}

// Observe implements [maker.Observer].
func (e *Writer) Observe(_ context.Context, rec *maker.StepRecord) error {
	ev := FromRecord(rec)
	ev.Time, ev.Run, ev.Model, ev.Simulated, ev.Total = e.now().UTC(), e.run, e.Model, e.Simulated, e.total
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.enc.Encode(&ev); err != nil {
		return err
	}
	return e.w.Flush()
}

// FromRecord is the event of a decided step, with what the record holds;
// the caller sets Time, Run, Model, Simulated and Total.
func FromRecord(rec *maker.StepRecord) Event {
	ev := Event{
		Step: rec.Step + 1, K: rec.K,
		Action: rec.Action, Key: rec.Key, Votes: rec.Votes, Samples: len(rec.Samples),
		Cancelled: rec.Cancelled, Tally: rec.Tally, InputTokens: rec.InputTokens, OutputTokens: rec.OutputTokens,
		CostUSD: rec.CostUSD, WallMS: float64(rec.Wall) / float64(time.Millisecond), Wrong: rec.Wrong, WrongWhy: rec.WrongWhy,
		Speculative: rec.Speculative, Wasted: rec.Wasted,
	}
	for _, s := range rec.Samples {
		if s.Flag != maker.FlagNone {
			if ev.Flagged == nil {
				ev.Flagged = map[string]int{}
			}
			ev.Flagged[string(s.Flag)]++
		}
	}
	return ev
}
