package sim_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

type chatResponse struct {
	Model   string `json:"model"`
	Choices []struct {
		Index   int `json:"index"`
		Message struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage struct {
		PromptTokens        int `json:"prompt_tokens"`
		CompletionTokens    int `json:"completion_tokens"`
		TotalTokens         int `json:"total_tokens"`
		PromptTokensDetails struct {
			CachedTokens int `json:"cached_tokens"`
		} `json:"prompt_tokens_details"`
	} `json:"usage"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

func newServer(t *testing.T, cfg sim.ServerConfig) (*sim.Server, *httptest.Server) {
	t.Helper()
	if cfg.Model == (sim.Config{}) {
		cfg.Model = sim.DefaultConfig()
	}
	s, err := sim.NewServer([]maker.Oracle{hanoi.Oracle()}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

func post(t *testing.T, url string, body any) (*http.Response, chatResponse) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(url+"/v1/chat/completions", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var cr chatResponse
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &cr); err != nil {
		t.Fatalf("response %s: %v", raw, err)
	}
	return resp, cr
}

func hanoiRequest(t *testing.T, disks, step int, extra map[string]any) map[string]any {
	task, err := hanoi.New(disks)
	if err != nil {
		t.Fatal(err)
	}
	// Walk the optimal solution to the step.
	s, prev := task.Initial(), ""
	i := 0
	for m := range hanoi.Solution(disks) {
		if i == step {
			break
		}
		if s, err = s.Apply(m); err != nil {
			t.Fatal(err)
		}
		prev = m.String()
		i++
	}
	p := task.Prompt(s, prev, step)
	req := map[string]any{
		"model":    "sim",
		"messages": []map[string]any{{"role": "system", "content": p.System}, {"role": "user", "content": p.User}},
	}
	for k, v := range extra {
		req[k] = v
	}
	return req
}

func TestServerAnswersHanoi(t *testing.T) {
	cfg := sim.DefaultConfig()
	cfg.ErrorRate = 0 // every answer right
	_, ts := newServer(t, sim.ServerConfig{Model: cfg})
	task, _ := hanoi.New(4)
	resp, cr := post(t, ts.URL, hanoiRequest(t, 4, 5, map[string]any{"n": 3, "temperature": 0.1, "max_completion_tokens": 700}))
	if resp.StatusCode != 200 || resp.Header.Get(sim.SimulatedHeader) != "true" || cr.Model != sim.ServedModel {
		t.Fatalf("status %d, simulated header %q, model %q", resp.StatusCode, resp.Header.Get(sim.SimulatedHeader), cr.Model)
	}
	if len(cr.Choices) != 3 {
		t.Fatalf("%d choices, want 3", len(cr.Choices))
	}
	// The sixth optimal move of 4 disks.
	var want string
	i := 0
	for m := range hanoi.Solution(4) {
		if i == 5 {
			want = m.String()
		}
		i++
	}
	for _, c := range cr.Choices {
		cand, err := task.Parse(c.Message.Content)
		if err != nil || cand.Action != want || c.FinishReason != "stop" || c.Message.Role != "assistant" {
			t.Errorf("choice %d: %q (%v), finish %q; want move %s", c.Index, c.Message.Content, err, c.FinishReason, want)
		}
	}
	u := cr.Usage
	if u.PromptTokens <= 0 || u.CompletionTokens <= 0 || u.TotalTokens != u.PromptTokens+u.CompletionTokens {
		t.Errorf("usage %+v", u)
	}
	if u.PromptTokensDetails.CachedTokens != 0 {
		t.Errorf("first request: %d cached tokens, want 0", u.PromptTokensDetails.CachedTokens)
	}
	// The same system prompt again: its tokens come from the cache.
	_, cr2 := post(t, ts.URL, hanoiRequest(t, 4, 6, nil))
	if c := cr2.Usage.PromptTokensDetails.CachedTokens; c <= 0 || c >= cr2.Usage.PromptTokens {
		t.Errorf("second request: %d of %d tokens cached, want the system prompt's", c, cr2.Usage.PromptTokens)
	}
}

func TestServerSamplesFollowTheErrorModel(t *testing.T) {
	// At a 30% error rate, 400 samples of one prompt hold both right and
	// wrong answers, in about that proportion: the sample index advances
	// per prompt.
	cfg := sim.DefaultConfig()
	cfg.ErrorRate = 0.3
	_, ts := newServer(t, sim.ServerConfig{Model: cfg})
	task, _ := hanoi.New(3)
	right := task.Prompt(task.Initial(), "", 0)
	ans, _ := hanoi.Oracle().Answer(right)
	wantKey := ""
	if c, err := task.Parse(ans.Right); err == nil {
		wantKey = task.Key(c)
	}
	wrong := 0
	const n = 400
	for i := 0; i < n/50; i++ {
		_, cr := post(t, ts.URL, hanoiRequest(t, 3, 0, map[string]any{"n": 50}))
		for _, c := range cr.Choices {
			cand, err := task.Parse(c.Message.Content)
			if err != nil || task.Key(cand) != wantKey || c.FinishReason == "length" {
				wrong++
			}
		}
	}
	// Binomial(400, 0.3): mean 120, sd 9.2; allow 4 sd.
	if math.Abs(float64(wrong)-120) > 4*math.Sqrt(n*0.3*0.7) {
		t.Errorf("%d of %d samples wrong, want about 120", wrong, n)
	}
}

func TestServerRejectsBadRequests(t *testing.T) {
	_, ts := newServer(t, sim.ServerConfig{})
	good := hanoiRequest(t, 3, 0, nil)
	tests := []struct {
		name string
		body any
		want string
	}{
		{"not json", "nonsense", "not a chat-completions request"},
		{"no model", map[string]any{"messages": good["messages"]}, "model is required"},
		{"no messages", map[string]any{"model": "sim"}, "messages"},
		{"n too big", hanoiRequest(t, 3, 0, map[string]any{"n": 1000}), "n must be"},
		{"bad temperature", hanoiRequest(t, 3, 0, map[string]any{"temperature": 5}), "temperature"},
		{"stream", hanoiRequest(t, 3, 0, map[string]any{"stream": true}), "stream"},
		{"foreign prompt", map[string]any{"model": "sim", "messages": []map[string]any{{"role": "user", "content": "Write a poem"}}}, "no oracle recognises"},
	}
	for _, tt := range tests {
		resp, cr := post(t, ts.URL, tt.body)
		if resp.StatusCode != 400 || cr.Error == nil || !strings.Contains(cr.Error.Message, tt.want) {
			t.Errorf("%s: status %d, error %+v; want 400 mentioning %q", tt.name, resp.StatusCode, cr.Error, tt.want)
		}
	}
	resp, err := http.Get(ts.URL + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	var models struct {
		Data []struct {
			ID      string `json:"id"`
			OwnedBy string `json:"owned_by"`
		} `json:"data"`
	}
	json.NewDecoder(resp.Body).Decode(&models)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(models.Data) != 1 || models.Data[0].ID != "sim" || !strings.Contains(models.Data[0].OwnedBy, "simulated") {
		t.Errorf("GET /v1/models: %d %+v", resp.StatusCode, models)
	}
}

func TestServerFaults(t *testing.T) {
	faults := sim.Faults{RateLimit: 0.2, ServerError: 0.1, Drop: 0.1, Truncate: 0.1, RetryAfter: 1500 * time.Millisecond}
	srv, ts := newServer(t, sim.ServerConfig{Faults: faults})
	client := &http.Client{Timeout: 5 * time.Second}
	const n = 300
	var limited, errs, broken, ok int
	for i := 0; i < n; i++ {
		b, _ := json.Marshal(hanoiRequest(t, 3, i%7, nil))
		resp, err := client.Post(ts.URL+"/v1/chat/completions", "application/json", bytes.NewReader(b))
		if err != nil {
			broken++ // dropped
			continue
		}
		body, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == 429:
			limited++
			if resp.Header.Get("Retry-After") != "2" || resp.Header.Get("Retry-After-Ms") != "1500" {
				t.Errorf("429 headers %v", resp.Header)
			}
		case resp.StatusCode == 500:
			errs++
		case rerr != nil || !json.Valid(body):
			if !errors.Is(rerr, io.ErrUnexpectedEOF) && rerr != nil {
				t.Logf("body error %v", rerr)
			}
			broken++ // truncated
		default:
			ok++
		}
	}
	st := srv.Stats()
	if st.Requests != n || st.BusiestMinute != n || int(st.RateLimited) != limited || int(st.ServerError) != errs || int(st.Dropped+st.Truncated) != broken {
		t.Errorf("stats %+v vs seen 429 %d, 500 %d, broken %d", st, limited, errs, broken)
	}
	// Each count is binomial; allow 4 sd around the rate.
	check := func(name string, got int, rate float64) {
		sd := math.Sqrt(n * rate * (1 - rate))
		if math.Abs(float64(got)-n*rate) > 4*sd {
			t.Errorf("%s: %d of %d, want about %.0f", name, got, n, n*rate)
		}
	}
	check("429", limited, 0.2)
	check("500", errs, 0.1)
	check("dropped", int(st.Dropped), 0.1)
	// Truncation is drawn among the requests that got through.
	check("ok", ok, 0.6*0.9)
}

// TestBusiestMinute feeds request times to the server's sliding minute:
// the count is the most requests in any 60 seconds, a request exactly a
// minute older than another not sharing its minute.
func TestBusiestMinute(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// every spaces n requests d apart from t0.
	every := func(n int, d time.Duration, from time.Time) []time.Time {
		var ts []time.Time
		for i := range n {
			ts = append(ts, from.Add(time.Duration(i)*d))
		}
		return ts
	}
	tests := []struct {
		name  string
		times []time.Time
		want  int64
	}{
		{"none", nil, 0},
		{"one", []time.Time{t0}, 1},
		{"a minute apart", []time.Time{t0, t0.Add(time.Minute)}, 1},
		{"just under a minute apart", []time.Time{t0, t0.Add(time.Minute - time.Nanosecond)}, 2},
		{"600 a minute for 5 minutes", every(3000, 100*time.Millisecond, t0), 600},
		{"a hair faster than 600 a minute", every(1000, 100*time.Millisecond-time.Microsecond, t0), 601},
		{"a burst after a quiet spell", append(every(10, 10*time.Second, t0), every(50, time.Millisecond, t0.Add(5*time.Minute))...), 50},
		{"a burst at a minute's end", append(every(6, 10*time.Second, t0), every(20, time.Millisecond, t0.Add(59*time.Second))...), 26},
		{"a burst a minute after the first", append(every(6, 10*time.Second, t0), every(20, time.Millisecond, t0.Add(time.Minute))...), 25},
	}
	for _, tt := range tests {
		if got := sim.BusiestMinuteOf(tt.times); got != tt.want {
			t.Errorf("%s: busiest minute %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestServerTimeoutFault(t *testing.T) {
	_, ts := newServer(t, sim.ServerConfig{Faults: sim.Faults{Timeout: 1}})
	client := &http.Client{Timeout: 200 * time.Millisecond}
	b, _ := json.Marshal(hanoiRequest(t, 3, 0, nil))
	start := time.Now()
	_, err := client.Post(ts.URL+"/v1/chat/completions", "application/json", bytes.NewReader(b))
	if err == nil || time.Since(start) < 150*time.Millisecond {
		t.Fatalf("err = %v after %s; want the client to time out", err, time.Since(start))
	}
}

func TestServerConfigErrors(t *testing.T) {
	for _, f := range []sim.Faults{{RateLimit: -0.1}, {ServerError: 1.5}, {RateLimit: 0.6, Drop: 0.6}, {RetryAfter: -time.Second}} {
		if _, err := sim.NewServer([]maker.Oracle{hanoi.Oracle()}, sim.ServerConfig{Model: sim.DefaultConfig(), Faults: f}); err == nil {
			t.Errorf("faults %+v accepted", f)
		}
	}
	if _, err := sim.NewServer(nil, sim.ServerConfig{Model: sim.DefaultConfig()}); err == nil {
		t.Error("no oracles accepted")
	}
}

// poemOracle recognises only prompts about poems.
type poemOracle struct{}

func (poemOracle) Answer(p maker.Prompt) (maker.Answer, error) {
	if !strings.Contains(p.User, "poem") {
		return maker.Answer{}, fmt.Errorf("poem: %w", maker.ErrNotMine)
	}
	return maker.Answer{Right: "roses are red"}, nil
}

func TestOracles(t *testing.T) {
	o := sim.Oracles(poemOracle{}, hanoi.Oracle())
	task, _ := hanoi.New(3)
	if a, err := o.Answer(task.Prompt(task.Initial(), "", 0)); err != nil || !strings.Contains(a.Right, "move = [1, 0, 2]") {
		t.Errorf("hanoi prompt: %+v %v", a, err)
	}
	if a, err := o.Answer(maker.Prompt{User: "a poem please"}); err != nil || a.Right != "roses are red" {
		t.Errorf("poem prompt: %+v %v", a, err)
	}
	if _, err := o.Answer(maker.Prompt{User: "something else"}); !errors.Is(err, maker.ErrNotMine) {
		t.Errorf("unknown prompt: err = %v", err)
	}
}
