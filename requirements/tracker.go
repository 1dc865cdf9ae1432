package requirements

import (
	"context"

	"github.com/maker-go/maker"
)

// Votes is how one decision was voted: the margin asked, the valid votes
// for the winner and in all, and the samples the gates and red flags
// discarded.
type Votes struct {
	K       int `json:"k"`
	Winner  int `json:"winner"`
	Total   int `json:"total"`
	Flagged int `json:"flagged"`
}

// Tracker is a [maker.Observer] that keeps what the export reports beyond
// the document: the votes of every decision and, for every sample the
// parser rejected, the quality gate that rejected it (the engine counts
// them all as malformed).
type Tracker struct {
	task *Task
	// Gates counts the samples each gate discarded, over decided steps.
	Gates map[Gate]int64
	// GatesByKind splits Gates by the kind of step.
	GatesByKind map[Kind]map[Gate]int64
	votes       map[string]Votes
}

var _ maker.Observer = (*Tracker)(nil)

// NewTracker returns a tracker for a run of task.
func NewTracker(task *Task) *Tracker {
	return &Tracker{task: task, Gates: map[Gate]int64{}, GatesByKind: map[Kind]map[Gate]int64{}, votes: map[string]Votes{}}
}

// Observe implements [maker.Observer]. It re-reads each rejected sample with
// the task's parser to learn which gate rejected it.
func (tr *Tracker) Observe(_ context.Context, rec *maker.StepRecord) error {
	d, ok := rec.State.(Doc)
	if !ok || d.Last == nil {
		return nil
	}
	kind := d.Last.Kind
	for _, s := range rec.Samples {
		if s.Flag != maker.FlagMalformed {
			continue
		}
		_, err := tr.task.Parse(s.Text)
		g := GateOf(err)
		if g == "" {
			g = GateFormat
		}
		tr.Gates[g]++
		if tr.GatesByKind[kind] == nil {
			tr.GatesByKind[kind] = map[Gate]int64{}
		}
		tr.GatesByKind[kind][g]++
	}
	v := Votes{K: rec.K, Total: rec.Votes, Flagged: rec.Flagged}
	for _, kc := range rec.Tally {
		if kc.Key == rec.Key {
			v.Winner = kc.Votes
		}
	}
	tr.votes[voteKey(*d.Last)] = v
	return nil
}

// GateTotal is the number of samples the quality gates discarded.
func (tr *Tracker) GateTotal() int64 {
	var n int64
	for _, c := range tr.Gates {
		n += c
	}
	return n
}

// Votes returns the votes of the decision about item (its kind and
// feature), and false when no such step was observed.
func (tr *Tracker) Votes(kind Kind, feature string) (Votes, bool) {
	v, ok := tr.votes[string(kind)+"|"+feature]
	return v, ok
}

func voteKey(it Item) string { return string(it.Kind) + "|" + it.Feature }
