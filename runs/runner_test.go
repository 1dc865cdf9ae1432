package runs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
)

// countParams are the params of the test's own kind.
type countParams struct {
	N int `json:"n,omitempty"`
}

// countTask counts to n, one step a number: the answer to step s is
// "count=s+1".
type countTask struct{ n int }

func (c countTask) Name() string                      { return "count" }
func (c countTask) Initial() int                      { return 0 }
func (c countTask) Steps() int                        { return c.n }
func (c countTask) Done(_ int, step int) bool         { return step >= c.n }
func (c countTask) Key(x maker.Candidate[int]) string { return x.Action }
func (c countTask) Prompt(s int, _ string, _ int) maker.Prompt {
	return maker.Prompt{System: "Count up by one.", User: fmt.Sprintf("now %d", s), Hint: s + 1}
}
func (c countTask) Parse(text string) (maker.Candidate[int], error) {
	var n int
	if _, err := fmt.Sscanf(text, "count=%d", &n); err != nil {
		return maker.Candidate[int]{}, fmt.Errorf("%w: %q", maker.ErrMalformed, text)
	}
	return maker.Candidate[int]{Action: fmt.Sprint(n), State: n}, nil
}
func (c countTask) Answer(p maker.Prompt) (maker.Answer, error) {
	next, _ := p.Hint.(int)
	return maker.Answer{Right: fmt.Sprintf("count=%d", next), Wrong: []string{fmt.Sprintf("count=%d", next+1)}}, nil
}

// A kind is its registration alone: its params, their defaults and its
// opener. No front end adds code for it.
func init() {
	runs.Register(runs.Kind{
		Name: "test-count", Command: "test count", Summary: "count up, one voted call a number",
		Params: new(countParams),
		Prepare: func(p any, _ runs.Settings) error {
			if q := p.(*countParams); q.N == 0 {
				q.N = 5
			}
			return nil
		},
		Open: runs.Opener(func(p countParams, _ runs.OpenOptions) (runs.Opened, error) {
			task := countTask{n: p.N}
			return runs.Execution[int]{Task: task, Oracle: task, Kind: "test-count", Params: p,
				Facts: func(res *maker.Result[int]) []runs.Fact {
					return []runs.Fact{{Key: "final_count", Label: "final count", Value: res.State}}
				}}, nil
		}),
	})
}

// session is a command's session without a command.
type session struct {
	out, errs bytes.Buffer
	flags     *pflag.FlagSet
}

func (s *session) Context() context.Context { return context.Background() }
func (s *session) OutOrStdout() io.Writer   { return &s.out }
func (s *session) ErrOrStderr() io.Writer   { return &s.errs }
func (s *session) Flags() *pflag.FlagSet    { return s.flags }

// TestKindRunsByItsRegistration: a kind registered with its opener runs
// from a spec through a Manager, resumes from its journal through the same
// opener (its budget raised), and runs as a command does, from its params
// and the run flags, with nothing else written for it.
func TestKindRunsByItsRegistration(t *testing.T) {
	ctx := context.Background()
	m, err := runs.New(ctx, filepath.Join(t.TempDir(), "j.db"), &runs.Runner{}, runs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown(ctx)
	var settings runs.Settings
	if err := json.Unmarshal([]byte(`{"k":"1","min-chars":1,"max-samples-total":2,"speculate":"0"}`), &settings); err != nil {
		t.Fatal(err)
	}
	id, err := m.Start(ctx, runs.Spec{Kind: "test-count", Params: json.RawMessage(`{"n":6}`), Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Wait(ctx, id); !errors.Is(err, maker.ErrBudget) {
		t.Fatalf("run %s ended %v, want its budget", id, err)
	}
	more := int64(1000)
	if _, err := m.ResumeWith(ctx, id, &runs.Caps{MaxSamplesTotal: &more}); err != nil {
		t.Fatal(err)
	}
	if err := m.Wait(ctx, id); err != nil {
		t.Fatalf("resumed run %s: %v", id, err)
	}
	in, err := m.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if in.Status != maker.StatusDone || in.Steps != 6 || in.Summary == nil || !in.Summary.Success {
		t.Fatalf("run %s: %s at step %d of %d, want done and right at step 6", id, in.Status, in.Steps, in.TotalSteps)
	}

	// As a command runs it: params from its flags, the run flags.
	x, err := runs.Open("test-count", countParams{N: 3})
	if err != nil {
		t.Fatal(err)
	}
	var f runs.Flags
	s := &session{flags: pflag.NewFlagSet("test count", pflag.ContinueOnError)}
	f.Register(s.flags)
	if err := s.flags.Parse([]string{"--no-journal", "--json", "--k", "1", "--min-chars", "1"}); err != nil {
		t.Fatal(err)
	}
	if err := (&runs.Runner{}).Execute(s, &f, x); err != nil {
		t.Fatalf("%v\n%s", err, s.errs.String())
	}
	var sum struct {
		Success    bool `json:"success"`
		FinalCount int  `json:"final_count"`
	}
	if err := json.Unmarshal(s.out.Bytes(), &sum); err != nil || !sum.Success || sum.FinalCount != 3 {
		t.Fatalf("summary %s (%v), want a success counting to 3", strings.TrimSpace(s.out.String()), err)
	}
}
