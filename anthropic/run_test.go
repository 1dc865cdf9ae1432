package anthropic_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"sync"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/internal/providertest"
)

// TestRunHanoi drives the whole engine through the adapter: a local server
// speaking the Messages API answers each step of a 4-disk Towers of Hanoi
// from the prompt text alone (every fourth answer wrong), and the run must
// solve the puzzle and account for exactly the tokens the server reported.
func TestRunHanoi(t *testing.T) {
	oracle := hanoi.Oracle()
	var mu sync.Mutex
	calls := 0
	var f *providertest.Fake
	f = newFake(t, func(w http.ResponseWriter, r *http.Request) {
		reqs := f.Requests()
		body := reqs[len(reqs)-1].Body
		msg := body["messages"].([]any)[0].(map[string]any)
		user := msg["content"].([]any)[0].(map[string]any)["text"].(string)
		ans, err := oracle.Answer(maker.Prompt{User: user})
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		calls++
		text := ans.Right
		if calls%4 == 0 {
			text = ans.Wrong[calls%len(ans.Wrong)]
		}
		mu.Unlock()
		message(text, "end_turn", 100, 900, 0, 20)(w, r)
	})
	m := open(t, f.URL, "claude-haiku-4-5", nil)
	task, err := hanoi.New(4)
	if err != nil {
		t.Fatal(err)
	}
	res, err := maker.Run(context.Background(), task, m, maker.Config{K: 2, Logger: providertest.DebugLogger(), ModelName: "anthropic/claude-haiku-4-5"})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	s := res.Summary
	if !s.Done || !res.State.Solved() || len(res.Actions) != 15 {
		out, _ := json.Marshal(s)
		t.Fatalf("run did not solve the puzzle: %s", out)
	}
	n := int64(len(f.Requests()))
	if s.Samples != n {
		t.Errorf("%d samples, %d requests", s.Samples, n)
	}
	if s.InputTokens != 1000*n || s.CachedInputTokens != 900*n || s.OutputTokens != 20*n {
		t.Errorf("tokens in %d cached %d out %d, want %d %d %d", s.InputTokens, s.CachedInputTokens, s.OutputTokens, 1000*n, 900*n, 20*n)
	}
	want := float64(n) * (100*1 + 900*0.1 + 20*5) / 1e6
	if math.Abs(s.CostUSD-want) > 1e-9 {
		t.Errorf("cost %g, want %g", s.CostUSD, want)
	}
}

// TestRunRejectedKeyDoesNotLeak fails a run on a refused key that the server
// echoes back, and looks for the key in the error, the summary and the logs.
func TestRunRejectedKeyDoesNotLeak(t *testing.T) {
	f := newFake(t, apiError(401, "authentication_error", "invalid x-api-key "+fakeKey, nil))
	m := open(t, f.URL, "claude-haiku-4-5", nil)
	task, err := hanoi.New(3)
	if err != nil {
		t.Fatal(err)
	}
	res, err := maker.Run(context.Background(), task, m, maker.Config{K: 2, Logger: providertest.DebugLogger()})
	providertest.CheckRefusedRun(t, res, err, fakeKey, "MAKER_TEST_ANTHROPIC_KEY")
}
