package runs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

// tallyTask is a task of n steps whose right answer is always "answer=R";
// its state is the step count.
type tallyTask struct{ n int }

func (c tallyTask) Name() string              { return "tally" }
func (c tallyTask) Initial() int              { return 0 }
func (c tallyTask) Steps() int                { return c.n }
func (c tallyTask) Done(_ int, step int) bool { return step >= c.n }
func (c tallyTask) Prompt(s int, prev string, step int) maker.Prompt {
	return maker.Prompt{System: "tally", User: fmt.Sprintf("state %d prev %s", s, prev)}
}
func (c tallyTask) Parse(text string) (maker.Candidate[int], error) {
	a, ok := strings.CutPrefix(text, "answer=")
	if !ok || a == "" {
		return maker.Candidate[int]{}, errors.New("malformed")
	}
	return maker.Candidate[int]{Action: a}, nil
}
func (c tallyTask) Key(x maker.Candidate[int]) string { return x.Action }

// askedModel answers every sample right after a few milliseconds, and
// keeps the steps whose samples it answered (not those cancelled).
type askedModel struct {
	mu    sync.Mutex
	asked map[int]bool
}

func (m *askedModel) Generate(ctx context.Context, r maker.Request) (maker.Response, error) {
	select {
	case <-ctx.Done():
		return maker.Response{}, ctx.Err()
	case <-time.After(3 * time.Millisecond):
	}
	m.mu.Lock()
	m.asked[r.Step] = true
	m.mu.Unlock()
	return maker.Response{Text: "answer=R", InputTokens: 10, OutputTokens: 10, Finish: maker.FinishStop}, nil
}

// TestChunkTimeKeepsSpeculatedSteps: a chunk that ends on time while its
// run votes steps ahead (--speculate) hands every step it has voted on to
// the journal, in order, before it ends: the next chunk, resumed from its
// last step, asks the model about none of them again, and together the
// two decide every step once.
func TestChunkTimeKeepsSpeculatedSteps(t *testing.T) {
	for _, depth := range []int{1, 4, maker.SpeculateAuto} {
		t.Run(fmt.Sprint("speculate=", depth), func(t *testing.T) {
			task := tallyTask{n: 100000}
			e := Execution[int]{Task: task, job: &Job{Chunk: &Chunk{Time: 300 * time.Millisecond}}}
			var observed []int
			obs := maker.ObserverFunc(func(_ context.Context, rec *maker.StepRecord) error {
				observed = append(observed, rec.Step)
				return nil
			})
			first := &askedModel{asked: map[int]bool{}}
			cfg := maker.Config{K: 2, Ordered: true, Speculate: depth, PlannedP: 0.99, Observers: []maker.Observer{obs}}
			b := e.bound(&cfg, 0)
			res, err := maker.RunFrom(context.Background(), task, first, cfg, maker.Checkpoint[int]{})
			if res == nil {
				t.Fatal(err)
			}
			if !b.over(&res.Summary, err) {
				t.Fatalf("the chunk did not end on time: %v, stop reason %q", err, res.Summary.StopReason)
			}
			n := len(observed)
			if n == 0 || res.Summary.Steps != n {
				t.Fatalf("%d steps observed, the summary says %d", n, res.Summary.Steps)
			}
			// The next chunk, from the last step the first one handed over.
			second := &askedModel{asked: map[int]bool{}}
			cfg2 := maker.Config{K: 2, Ordered: true, Speculate: depth, PlannedP: 0.99, MaxSteps: n + 10, Observers: []maker.Observer{obs}}
			from := maker.Checkpoint[int]{Step: n, State: res.State, Prev: "R"}
			if _, err := maker.RunFrom(context.Background(), task, second, cfg2, from); err != nil {
				t.Fatal(err)
			}
			var again []int
			for s := range second.asked {
				if first.asked[s] {
					again = append(again, s)
				}
			}
			if len(again) > 0 {
				t.Errorf("the first chunk decided %d steps and voted on %d; the next asked again about %d of them (e.g. step %d): decided work was thrown away at the chunk's end",
					n, len(first.asked), len(again), again[0]+1)
			}
			for i, s := range observed {
				if s != i {
					t.Fatalf("observed step %d at position %d: not every step once, in order", s, i)
				}
			}
		})
	}
}
