package maker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// mergeKeeps lists the numeric Summary fields Merge does not add up, and
// why. Any other numeric field must come out of a merge into an empty
// summary with the merged summary's value, so a counter added to Summary
// and forgotten in Merge fails here.
var mergeKeeps = map[string]string{
	"StartStep": "the start of the whole run: the first part's",
}

// fill sets every numeric field (and counter map) of v to a value built
// from n, so fields are told apart.
func fill(t *testing.T, v reflect.Value, n int) {
	t.Helper()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		n++
		switch f.Kind() {
		case reflect.Int, reflect.Int64:
			f.SetInt(int64(n))
		case reflect.Float64:
			f.SetFloat(float64(n) + 0.5)
		case reflect.Ptr:
			if f.Type().Elem().Kind() == reflect.Int {
				p := reflect.New(f.Type().Elem())
				p.Elem().SetInt(int64(n))
				f.Set(p)
			}
		case reflect.Map:
			m := reflect.MakeMap(f.Type())
			key := reflect.New(f.Type().Key()).Elem()
			if key.Kind() == reflect.String {
				key.SetString("k")
			} else {
				key.SetInt(int64(n))
			}
			m.SetMapIndex(key, reflect.ValueOf(int64(n)))
			f.Set(m)
		case reflect.Struct:
			if f.Type() == reflect.TypeOf(Usage{}) {
				fill(t, f, n*100)
			}
		}
	}
}

func TestMergeCoversEveryField(t *testing.T) {
	var part Summary
	fill(t, reflect.ValueOf(&part).Elem(), 0)
	part.Samples, part.CostUSD = 10, 2 // Derive must agree with what is set
	part.Steps, part.StartStep = 40, 0
	part.Derive()

	var total Summary
	total.Merge(&part)
	got, want := reflect.ValueOf(total), reflect.ValueOf(part)
	var check func(prefix string, got, want reflect.Value)
	check = func(prefix string, got, want reflect.Value) {
		for i := 0; i < got.NumField(); i++ {
			name := prefix + got.Type().Field(i).Name
			g, w := got.Field(i), want.Field(i)
			switch g.Kind() {
			case reflect.Struct:
				if g.Type() == reflect.TypeOf(Usage{}) {
					check(name+".", g, w)
				}
				continue
			case reflect.Int, reflect.Int64, reflect.Float64, reflect.Ptr, reflect.Map:
			default:
				continue
			}
			if _, kept := mergeKeeps[name]; kept {
				continue
			}
			if !reflect.DeepEqual(g.Interface(), w.Interface()) {
				t.Errorf("Merge into an empty summary: %s is %v, want %v (merge it, or list it in mergeKeeps)", name, g, w)
			}
		}
	}
	check("", got, want)

	// A second part adds counters, keeps maxima and the earlier wrong step.
	second := part
	later := *part.FirstWrongStep + 5
	second.FirstWrongStep = &later
	total.Merge(&second)
	if total.Samples != 2*part.Samples || total.CostUSD != 2*part.CostUSD || total.SavedUSD != 2*part.SavedUSD ||
		total.BatchedRequests != 2*part.BatchedRequests || total.InputSavedByBatch != 2*part.InputSavedByBatch ||
		total.KMax != part.KMax || *total.FirstWrongStep != *part.FirstWrongStep || total.VotesHistogram[part.Steps] != 0 {
		t.Errorf("second merge: %+v", total)
	}
}

// AddStep over a run's steps must count what the engine counted as the run
// went, for a run whose samples all belong to decided steps.
func TestAddStepMatchesRun(t *testing.T) {
	task := &stepTask{n: 6}
	var recs []*StepRecord
	cfg := Config{K: 2, MinChars: 1, Pricing: Pricing{InPerMTok: 1, CachedInPerMTok: 0.25, OutPerMTok: 3},
		Observers: []Observer{ObserverFunc(func(_ context.Context, r *StepRecord) error { recs = append(recs, r); return nil })}}
	res, err := Run(context.Background(), task, ModelFunc(func(_ context.Context, req Request) (Response, error) {
		text := fmt.Sprint(req.Step + 1)
		if req.Sample == 1 {
			text = "x" // one malformed sample a step
		}
		return Response{Text: text, InputTokens: 30, CachedInputTokens: 10, OutputTokens: 4}, nil
	}), cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := Summary{Pricing: cfg.Pricing, K: cfg.K}
	for _, r := range recs {
		got.AddStep(r)
	}
	want := res.Summary
	if got.Samples != want.Samples || got.Usage != want.Usage || got.ValidVotes != want.ValidVotes || got.SavedUSD != want.SavedUSD ||
		!reflect.DeepEqual(got.Flagged, want.Flagged) || !reflect.DeepEqual(got.VotesHistogram, want.VotesHistogram) ||
		got.WinnerVotes != want.WinnerVotes || got.RightVotes != want.RightVotes || got.Steps != want.Steps {
		t.Errorf("AddStep over the records: %+v\nthe run: %+v", got, want)
	}
}

// stepTask counts from 0 to n; the answer to step i is i+1.
type stepTask struct{ n int }

func (c *stepTask) Name() string                              { return "count" }
func (c *stepTask) Initial() int                              { return 0 }
func (c *stepTask) Steps() int                                { return c.n }
func (c *stepTask) Done(s, _ int) bool                        { return s >= c.n }
func (c *stepTask) Prompt(s int, _ string, _ int) Prompt      { return Prompt{User: fmt.Sprint(s)} }
func (c *stepTask) Key(cand Candidate[int]) string            { return cand.Action }
func (c *stepTask) Parse(text string) (Candidate[int], error) { return parseCount(text) }

func parseCount(text string) (Candidate[int], error) {
	var n int
	if _, err := fmt.Sscanf(text, "%d", &n); err != nil {
		return Candidate[int]{}, fmt.Errorf("count: %w: %v", ErrMalformed, err)
	}
	return Candidate[int]{Action: text, State: n}, nil
}

func TestRunStatus(t *testing.T) {
	tests := []struct {
		sum  *Summary
		err  error
		want string
	}{
		{&Summary{Success: true}, nil, StatusDone},
		{&Summary{StopReason: "max steps"}, nil, StatusStopped},
		{&Summary{}, &BudgetError{Limit: "max-cost"}, StatusBudget},
		{&Summary{}, fmt.Errorf("step 3: %w", context.Canceled), StatusInterrupted},
		{&Summary{}, ErrNoConsensus, StatusFailed},
		{nil, nil, StatusFailed},
	}
	for _, tt := range tests {
		if got := RunStatus(tt.sum, tt.err); got != tt.want {
			t.Errorf("RunStatus(%+v, %v) = %q, want %q", tt.sum, tt.err, got, tt.want)
		}
	}
}

func TestRedecide(t *testing.T) {
	rec := &StepRecord{Step: 4, K: 2, Key: "a", Votes: 4, Samples: []SampleRecord{
		{Key: "a", Voted: true}, {Flag: FlagMalformed}, {Key: "b", Voted: true}, {Key: "a", Voted: true}, {Key: "a", Voted: true}, {Cancelled: true},
	}}
	tests := []struct {
		k       int
		decided bool
		key     string
		used    int
	}{
		{0, true, "a", 4}, // the step's own k decides it as the run did
		{1, true, "a", 1},
		{3, false, "", 4},
	}
	for _, tt := range tests {
		r := Redecide(rec, tt.k)
		if r.Decided != tt.decided || r.Key != tt.key || r.Used != tt.used || r.Step != 5 || r.Votes != 4 {
			t.Errorf("Redecide(k=%d) = %+v", tt.k, r)
		}
		if r.Same() != (tt.decided && tt.key == "a") {
			t.Errorf("Redecide(k=%d).Same() = %v", tt.k, r.Same())
		}
	}
}

func TestSampleRecordReadsOldCachedKey(t *testing.T) {
	var s SampleRecord
	if err := json.Unmarshal([]byte(`{"index":2,"input_tokens":9,"cached_input":7,"cost_usd":0.5}`), &s); err != nil {
		t.Fatal(err)
	}
	if s.Index != 2 || s.InputTokens != 9 || s.CachedInputTokens != 7 || s.CostUSD != 0.5 {
		t.Errorf("decoded %+v", s)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back SampleRecord
	if err := json.Unmarshal(b, &back); err != nil || back != s {
		t.Errorf("round trip: %s -> %+v (%v)", b, back, err)
	}
}

func TestEstimateTokens(t *testing.T) {
	p := Prompt{System: string(make([]byte, 400)), User: string(make([]byte, 40))}
	if got := p.EstimateTokens(); got != 440/charsPerToken {
		t.Errorf("EstimateTokens = %d, want %d", got, 440/charsPerToken)
	}
	if !errors.Is(func() error { _, err := parseCount("x"); return err }(), ErrMalformed) {
		t.Error("parseCount does not wrap ErrMalformed")
	}
}

// TestModelPCountsRightVotes: an ensemble model's measured p counts its
// votes as the run's does, so a vote for a winner the checker rejected is
// wrong, and one against it right.
func TestModelPCountsRightVotes(t *testing.T) {
	var s Summary
	vote := func(model, key string) SampleRecord { return SampleRecord{Model: model, Key: key, Voted: true} }
	s.AddStep(&StepRecord{Step: 0, K: 1, Key: "a", Votes: 2, Tally: []KeyCount{{Key: "a", Votes: 2}},
		Samples: []SampleRecord{vote("m1", "a"), vote("m2", "a")}})
	s.AddStep(&StepRecord{Step: 1, K: 1, Key: "b", Votes: 3, Wrong: true, Tally: []KeyCount{{Key: "b", Votes: 2}, {Key: "c", Votes: 1}},
		Samples: []SampleRecord{vote("m1", "b"), vote("m2", "c"), vote("m1", "b")}})
	s.Derive()
	want := map[string]float64{"m1": 1.0 / 3, "m2": 1}
	for _, m := range s.Models {
		if m.P != want[m.Model] {
			t.Errorf("%s: p %.5f, want %.5f", m.Model, m.P, want[m.Model])
		}
	}
	if got := s.MeasuredP(); got != 3.0/5 {
		t.Errorf("run: p %.5f, want %.5f", got, 3.0/5)
	}
}

// TestResultLine: a summary's result line says FAILED only for a run that
// went wrong (a wrong step, no consensus, the steps ran out); a run that
// was stopped, or has not ended, says so, with its count of steps.
func TestResultLine(t *testing.T) {
	first := 40
	tests := []struct {
		name string
		sum  Summary
		want string
	}{
		{"solved", Summary{Success: true, Done: true, StopReason: "done", Steps: 1023, TotalSteps: 1023},
			"result      success: 1,023 of 1,023 steps decided, 0 wrong\n"},
		{"a wrong step", Summary{Done: true, StopReason: "done", Steps: 1023, TotalSteps: 1023, WrongSteps: 1, FirstWrongStep: &first},
			"result      FAILED: 1,023 of 1,023 steps decided, 1 wrong\n"},
		{"no consensus", Summary{StopReason: "no consensus", Error: "step 64: no consensus", Steps: 63, TotalSteps: 1023},
			"result      FAILED: 63 of 1,023 steps decided, 0 wrong\n"},
		{"steps ran out", Summary{StopReason: "step limit", Error: "after 30 steps: step limit reached", Steps: 30, TotalSteps: 30},
			"result      FAILED: 30 of 30 steps decided, 0 wrong\n"},
		{"interrupted", Summary{StopReason: "interrupted", Error: "context canceled", Steps: 63, TotalSteps: 1023},
			"result      interrupted: 63 of 1,023 steps decided, 0 wrong\n"},
		{"interrupted after a wrong step", Summary{StopReason: "interrupted", Error: "context canceled", Steps: 63, TotalSteps: 1023, WrongSteps: 1, FirstWrongStep: &first},
			"result      FAILED: 63 of 1,023 steps decided, 1 wrong\n"},
		{"running or killed", Summary{StopReason: stopKilled, Steps: 63, TotalSteps: 1023},
			"result      unfinished (running, or its process was killed): 63 of 1,023 steps decided, 0 wrong\n"},
		{"a budget", Summary{StopReason: "budget: max-cost", Error: "budget reached", Steps: 63, TotalSteps: 1023},
			"result      stopped by a budget: 63 of 1,023 steps decided, 0 wrong\n"},
		{"a step limit", Summary{StopReason: "max steps", Steps: 63, TotalSteps: 1023},
			"result      stopped at its step limit: 63 of 1,023 steps decided, 0 wrong\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := tt.sum.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			var got string
			for line := range strings.Lines(b.String()) {
				if strings.HasPrefix(line, "result ") {
					got = line
				}
			}
			if got != tt.want {
				t.Errorf("result line %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSummaryTextCounts: a count of one takes the singular.
func TestSummaryTextCounts(t *testing.T) {
	s := Summary{Steps: 1, TotalSteps: 1, Samples: 1, ValidVotes: 1, Retries: 1, Cancelled: 1, StepsOverK: 1, MaxVotesInStep: 3, K: 1}
	var b strings.Builder
	if err := s.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"samples     1: 1 vote, 0 flagged, 1 cancelled, 1 retry\n", "votes/step  max 3; 1 step needed more than k\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
}
