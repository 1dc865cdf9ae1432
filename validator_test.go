package maker_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

// legalTask is countTask with a validator: an answer that is not a capital
// letter is illegal, and the reason says which rule it broke.
type legalTask struct {
	countTask
	states []int // the states Validate was given
}

func (l *legalTask) Validate(_ context.Context, state int, c maker.Candidate[int]) error {
	l.states = append(l.states, state)
	switch {
	case len(c.Action) != 1:
		return errors.New("the answer must be one letter,\n  got " + c.Action)
	case c.Action[0] < 'A' || c.Action[0] > 'Z':
		return errors.New("the answer must be a capital letter")
	}
	return nil
}

// TestValidatorFlagsByReason: samples the task's validator rejects are red
// flags (invalid), never votes, replaced by new samples; each keeps the
// validator's reason on one line, and the summary counts them by reason.
func TestValidatorFlagsByReason(t *testing.T) {
	// Sample 0 of every step is "r", sample 1 "RR", the rest "R".
	m := script(func(step, i int) string {
		switch i {
		case 0:
			return "answer=r"
		case 1:
			return "answer=RR"
		}
		return "answer=R"
	})
	task := &legalTask{countTask: countTask{n: 4}}
	var recs []*maker.StepRecord
	obs := maker.ObserverFunc(func(_ context.Context, rec *maker.StepRecord) error { recs = append(recs, rec); return nil })
	res, err := maker.Run(context.Background(), task, m, maker.Config{K: 3, Ordered: true, Observers: []maker.Observer{obs}})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	if !s.Success || s.WrongSteps != 0 || s.ValidVotes != 12 {
		t.Fatalf("success %v, wrong %d, votes %d", s.Success, s.WrongSteps, s.ValidVotes)
	}
	if s.Flagged[maker.FlagInvalid] != 8 {
		t.Fatalf("flagged %v, want 8 invalid", s.Flagged)
	}
	want := map[string]int64{"the answer must be a capital letter": 4, "the answer must be one letter, got RR": 4}
	if len(s.Invalid) != 2 || s.Invalid["the answer must be a capital letter"] != 4 || s.Invalid["the answer must be one letter, got RR"] != 4 {
		t.Fatalf("invalid by reason %v, want %v", s.Invalid, want)
	}
	if r := recs[0].Samples[1]; r.Flag != maker.FlagInvalid || r.FlagReason != "the answer must be one letter, got RR" || r.Voted {
		t.Fatalf("sample 1 of step 1: %+v", r)
	}
	var b strings.Builder
	if err := s.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	if !strings.Contains(text, "invalid     the answer must be a capital letter 4; the answer must be one letter, got RR 4") {
		t.Fatalf("summary text has no reasons:\n%s", text)
	}
	// A merged summary (a resumed run) keeps the counts.
	var merged maker.Summary
	merged.Merge(&s)
	if merged.Invalid["the answer must be a capital letter"] != 4 {
		t.Fatalf("merged: %v", merged.Invalid)
	}
}

func TestFlagReason(t *testing.T) {
	long := strings.Repeat("é", 200)
	if got := maker.FlagReason(long); len(got) > maker.MaxFlagReason || !strings.HasSuffix(got, "...") {
		t.Errorf("FlagReason(long) = %d bytes %q", len(got), got)
	}
	if got := maker.FlagReason(" a\n\tb "); got != "a b" {
		t.Errorf("FlagReason = %q", got)
	}
}
