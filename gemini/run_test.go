package gemini_test

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

// TestRunHanoi drives the whole engine through the adapter, batching on: a
// local server speaking generateContent answers each step of a 4-disk Towers
// of Hanoi from the prompt text alone (every fourth candidate wrong), and the
// run must solve the puzzle and account for exactly the tokens the server
// reported, the prompt once per request.
func TestRunHanoi(t *testing.T) {
	oracle := hanoi.Oracle()
	var mu sync.Mutex
	calls, candidates := 0, 0
	f := providertest.NewFake(t, func(w http.ResponseWriter, r *http.Request, body map[string]any) {
		c := body["contents"].([]any)[0].(map[string]any)
		user := c["parts"].([]any)[0].(map[string]any)["text"].(string)
		ans, err := oracle.Answer(maker.Prompt{User: user})
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		n := 1
		if v, ok := body["generationConfig"].(map[string]any)["candidateCount"].(float64); ok {
			n = int(v)
		}
		var cs []candidate
		mu.Lock()
		calls++
		for i := range n {
			candidates++
			text := ans.Right
			if candidates%4 == 0 {
				text = ans.Wrong[candidates%len(ans.Wrong)]
			}
			cs = append(cs, candidate{i, text, "STOP"})
		}
		mu.Unlock()
		reply(cs, 1000, 900, 20*n, 0)(w, r, body)
	})
	m := open(t, f.URL, "gemini-2.5-flash", nil)
	task, err := hanoi.New(4)
	if err != nil {
		t.Fatal(err)
	}
	res, err := maker.Run(context.Background(), task, m, maker.Config{K: 3, Logger: providertest.DebugLogger(), Batch: true, ModelName: "gemini/gemini-2.5-flash"})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	s := res.Summary
	if !s.Done || !res.State.Solved() || len(res.Actions) != 15 {
		out, _ := json.Marshal(s)
		t.Fatalf("run did not solve the puzzle: %s", out)
	}
	reqs, samples := int64(calls), int64(candidates)
	if reqs >= samples {
		t.Errorf("%d requests for %d samples: the first votes were not batched", reqs, samples)
	}
	if s.Samples != samples {
		t.Errorf("%d samples counted, %d served", s.Samples, samples)
	}
	if s.InputTokens != 1000*reqs || s.CachedInputTokens != 900*reqs || s.OutputTokens != 20*samples {
		t.Errorf("tokens in %d cached %d out %d, want %d %d %d", s.InputTokens, s.CachedInputTokens, s.OutputTokens, 1000*reqs, 900*reqs, 20*samples)
	}
	want := (float64(reqs)*(100*0.30+900*0.03) + float64(samples)*20*2.50) / 1e6
	if math.Abs(s.CostUSD-want) > 1e-9 {
		t.Errorf("cost %g, want %g", s.CostUSD, want)
	}
}

// TestRunRejectedKeyDoesNotLeak fails a run on a refused key that the server
// echoes back, and looks for the key in the error, the summary and the logs.
func TestRunRejectedKeyDoesNotLeak(t *testing.T) {
	badKey := `[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]`
	f := providertest.NewFake(t, apiError(400, "INVALID_ARGUMENT", "API key not valid: "+fakeKey, badKey, nil))
	m := open(t, f.URL, "gemini-2.5-flash", nil)
	task, err := hanoi.New(3)
	if err != nil {
		t.Fatal(err)
	}
	res, err := maker.Run(context.Background(), task, m, maker.Config{K: 2, Batch: true, Logger: providertest.DebugLogger()})
	providertest.CheckRefusedRun(t, res, err, fakeKey, keyEnv)
}
