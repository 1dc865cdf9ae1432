package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/maker-go/maker"
)

// ServedModel is the model name the server reports: every response says it
// is simulated.
const ServedModel = "sim (simulated)"

// MaxRequestBody is the largest request body the server reads; a larger one
// is answered 413.
const MaxRequestBody = 4 << 20

// SimulatedHeader is set to "true" on every response of the server.
const SimulatedHeader = "X-Maker-Simulated"

// Faults are the transport failures the server injects, each a rate per
// request between 0 and 1, drawn from the seed, so that clients can be
// tested against the failures real providers have.
type Faults struct {
	RateLimit   float64       // 429 with Retry-After
	ServerError float64       // 500
	Timeout     float64       // no answer until the client gives up
	Drop        float64       // the connection closed without a response
	Truncate    float64       // the body cut off half-way
	RetryAfter  time.Duration // what a 429 asks the client to wait (default 1s)
	// Hang bounds how long a timed-out request is held (default 2m).
	Hang time.Duration
}

// Total is the share of requests that fail.
func (f Faults) Total() float64 {
	return f.RateLimit + f.ServerError + f.Timeout + f.Drop + f.Truncate
}

// ServerConfig configures [NewServer].
type ServerConfig struct {
	// Model is the simulated model's error model (start from DefaultConfig).
	Model  Config
	Faults Faults
	// MaxPrompts bounds the per-prompt sample counters kept (default
	// 65536); the oldest prompt's counter is forgotten first.
	MaxPrompts int
	// Logger receives a line per injected fault at debug level.
	Logger *slog.Logger
}

// ServerStats counts what the server did.
type ServerStats struct {
	Requests    int64 `json:"requests"`
	Completions int64 `json:"completions"`
	RateLimited int64 `json:"rate_limited"`
	ServerError int64 `json:"server_errors"`
	TimedOut    int64 `json:"timed_out"`
	Dropped     int64 `json:"dropped"`
	Truncated   int64 `json:"truncated"`
	// BusiestMinute is the most requests received in any 60 seconds,
	// faults included: what a provider's requests-a-minute quota would
	// have seen.
	BusiestMinute int64 `json:"busiest_minute"`
}

// Server puts the simulated model behind an OpenAI-compatible HTTP API:
// POST /v1/chat/completions and GET /v1/models. It works out the right
// answer from the prompt text with its oracles, so any client that speaks
// the chat-completions wire format, maker's own openai provider included,
// can be tested end to end without an LLM. Nothing it returns came from an
// LLM: the model it reports is "sim (simulated)" and every response carries
// X-Maker-Simulated: true.
//
// Over HTTP a step is known by the hash of its user prompt and a sample by
// how many times that prompt was asked before, so a run's samples follow
// the same seeded error model as the in-process simulator.
type Server struct {
	model  *Model
	oracle maker.Oracle
	cfg    ServerConfig
	reqs   atomic.Int64
	stats  struct {
		completions, limited, errors, timeouts, drops, truncs atomic.Int64
	}
	minute  minuteWindow
	mu      sync.Mutex
	counts  map[uint64]int
	order   []uint64 // ring of prompt hashes, oldest first, for eviction
	head    int
	systems map[uint64]bool // system prompts seen: their tokens count as cached
}

// NewServer returns a server answering from the oracles, tried in order
// until one recognises the prompt.
func NewServer(oracles []maker.Oracle, cfg ServerConfig) (*Server, error) {
	if len(oracles) == 0 {
		return nil, errors.New("sim server: at least one oracle is required")
	}
	f := cfg.Faults
	for _, r := range []float64{f.RateLimit, f.ServerError, f.Timeout, f.Drop, f.Truncate} {
		if math.IsNaN(r) || r < 0 || r > 1 {
			return nil, fmt.Errorf("sim server: fault rates must be between 0 and 1, got %g", r)
		}
	}
	if f.Total() > 1 {
		return nil, fmt.Errorf("sim server: fault rates add up to %g, more than 1", f.Total())
	}
	if f.RetryAfter < 0 || f.Hang < 0 {
		return nil, errors.New("sim server: durations must not be negative")
	}
	if cfg.Faults.RetryAfter == 0 {
		cfg.Faults.RetryAfter = time.Second
	}
	if cfg.Faults.Hang == 0 {
		cfg.Faults.Hang = 2 * time.Minute
	}
	if cfg.MaxPrompts <= 0 {
		cfg.MaxPrompts = 1 << 16
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	oracle := Oracles(oracles...)
	m, err := New(oracle, cfg.Model)
	if err != nil {
		return nil, err
	}
	return &Server{
		model:   m,
		oracle:  oracle,
		cfg:     cfg,
		counts:  make(map[uint64]int),
		order:   make([]uint64, 0, min(cfg.MaxPrompts, 1024)),
		systems: make(map[uint64]bool),
	}, nil
}

// Stats returns the counters so far.
func (s *Server) Stats() ServerStats {
	return ServerStats{
		Requests:      s.reqs.Load(),
		Completions:   s.stats.completions.Load(),
		RateLimited:   s.stats.limited.Load(),
		ServerError:   s.stats.errors.Load(),
		TimedOut:      s.stats.timeouts.Load(),
		Dropped:       s.stats.drops.Load(),
		Truncated:     s.stats.truncs.Load(),
		BusiestMinute: s.minute.busiest(),
	}
}

// minuteWindow counts requests in a sliding minute: it keeps the times of
// the last minute's requests, oldest first (as many as the rate brings,
// no more), and the most it ever held.
type minuteWindow struct {
	mu    sync.Mutex
	times []time.Time
	most  int64
}

// add counts a request received at now: the window is the minute up to
// now, a request exactly a minute old no longer in it.
func (w *minuteWindow) add(now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	cut := now.Add(-time.Minute)
	old := 0
	for old < len(w.times) && !w.times[old].After(cut) {
		old++
	}
	w.times = append(w.times[old:], now)
	w.most = max(w.most, int64(len(w.times)))
}

// busiest is the most requests any minute held.
func (w *minuteWindow) busiest() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.most
}

// ServeHTTP implements [http.Handler].
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set(SimulatedHeader, "true")
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case path == "/v1/chat/completions" || path == "/chat/completions":
		if r.Method != http.MethodPost {
			apiError(w, http.StatusMethodNotAllowed, "invalid_request_error", "use POST")
			return
		}
		s.chat(w, r)
	case path == "/v1/models" || path == "/models":
		if r.Method != http.MethodGet {
			apiError(w, http.StatusMethodNotAllowed, "invalid_request_error", "use GET")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"object": "list",
			"data":   []map[string]any{{"id": "sim", "object": "model", "created": 0, "owned_by": ServedModel}},
		})
	default:
		apiError(w, http.StatusNotFound, "invalid_request_error", "unknown path "+r.URL.Path+" (this simulated server has /v1/chat/completions and /v1/models)")
	}
}

// chatRequest is the part of a chat-completions request the server reads.
type chatRequest struct {
	Model               string        `json:"model"`
	Messages            []chatMessage `json:"messages"`
	Temperature         *float64      `json:"temperature"`
	MaxTokens           *int          `json:"max_tokens"`
	MaxCompletionTokens *int          `json:"max_completion_tokens"`
	N                   *int          `json:"n"`
	Stream              bool          `json:"stream"`
}

type chatMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// text reads a message's content: a string, or an array of text parts.
func (m chatMessage) text() (string, error) {
	var s string
	if err := json.Unmarshal(m.Content, &s); err == nil {
		return s, nil
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(m.Content, &parts); err != nil {
		return "", fmt.Errorf("message content must be a string or an array of text parts")
	}
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String(), nil
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	reqNo := s.reqs.Add(1)
	s.minute.add(time.Now())
	var req chatRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxRequestBody)).Decode(&req); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			apiError(w, http.StatusRequestEntityTooLarge, "invalid_request_error", fmt.Sprintf("body is larger than %d bytes", MaxRequestBody))
			return
		}
		apiError(w, http.StatusBadRequest, "invalid_request_error", "body is not a chat-completions request: "+err.Error())
		return
	}
	prompt, n, maxTok, temp, err := req.read()
	if err != nil {
		apiError(w, http.StatusBadRequest, "invalid_request_error", err.Error())
		return
	}
	if _, err := s.oracle.Answer(prompt); errors.Is(err, maker.ErrNotMine) {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "simulated server: no oracle recognises this prompt (it reads prompts in the tasks' default format)")
		return
	}
	if s.fault(w, r, reqNo) {
		return
	}
	step, first, cached := s.identify(prompt, n)
	resp := completion{
		ID:                fmt.Sprintf("chatcmpl-sim-%d", reqNo),
		Object:            "chat.completion",
		Created:           time.Now().Unix(),
		Model:             ServedModel,
		SystemFingerprint: "maker-sim",
	}
	outs, err := s.generate(r.Context(), n, maker.Request{Prompt: prompt, Temperature: temp, MaxTokens: maxTok, Step: step, Sample: first})
	if err != nil {
		return // the client went away
	}
	for i, out := range outs {
		text, fin := out.Text, "stop"
		if out.Finish == maker.FinishLength {
			fin = "length"
		}
		if out.OutputTokens > maxTok {
			// A real server stops at the limit: cut the rambling and say so.
			out.OutputTokens, fin = maxTok, "length"
		}
		resp.Choices = append(resp.Choices, choice{Index: i, Message: message{Role: "assistant", Content: text}, FinishReason: fin})
		resp.Usage.CompletionTokens += out.OutputTokens
		if i == 0 {
			resp.Usage.PromptTokens = out.InputTokens
		}
	}
	resp.Usage.PromptTokensDetails.CachedTokens = min(cached, resp.Usage.PromptTokens)
	resp.Usage.TotalTokens = resp.Usage.PromptTokens + resp.Usage.CompletionTokens
	s.stats.completions.Add(int64(n))
	body, _ := json.Marshal(resp)
	if s.roll(reqNo, 1) < s.cfg.Faults.Truncate {
		s.stats.truncs.Add(1)
		s.cfg.Logger.Debug("sim server: truncated body", "request", reqNo)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler) // close the connection mid-body
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// generate draws the n samples of one request at once, as a server that
// answers n choices in one batch does: the request takes the longest of
// their latencies, not their sum.
func (s *Server) generate(ctx context.Context, n int, req maker.Request) ([]maker.Response, error) {
	outs := make([]maker.Response, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := req
			r.Sample += i
			outs[i], errs[i] = s.model.Generate(ctx, r)
		})
	}
	wg.Wait()
	return outs, errors.Join(errs...)
}

// read checks the request and pulls out the prompt and the sampling
// settings.
func (req *chatRequest) read() (maker.Prompt, int, int, float64, error) {
	var p maker.Prompt
	if req.Model == "" {
		return p, 0, 0, 0, errors.New("model is required")
	}
	if req.Stream {
		return p, 0, 0, 0, errors.New("stream is not supported by the simulated server")
	}
	if len(req.Messages) == 0 {
		return p, 0, 0, 0, errors.New("messages must not be empty")
	}
	var sys []string
	for _, m := range req.Messages {
		t, err := m.text()
		if err != nil {
			return p, 0, 0, 0, err
		}
		switch m.Role {
		case "system", "developer":
			sys = append(sys, t)
		case "user":
			p.User = t // the last user message is the step's prompt
		case "assistant", "tool":
		default:
			return p, 0, 0, 0, fmt.Errorf("unknown message role %q", m.Role)
		}
	}
	if p.User == "" {
		return p, 0, 0, 0, errors.New("no user message")
	}
	p.System = strings.Join(sys, "\n")
	n := 1
	if req.N != nil {
		n = *req.N
	}
	if n < 1 || n > 128 {
		return p, 0, 0, 0, fmt.Errorf("n must be between 1 and 128, got %d", n)
	}
	maxTok := maker.DefaultMaxTokens
	if req.MaxCompletionTokens != nil {
		maxTok = *req.MaxCompletionTokens
	} else if req.MaxTokens != nil {
		maxTok = *req.MaxTokens
	}
	if maxTok < 1 {
		return p, 0, 0, 0, fmt.Errorf("max tokens must be positive, got %d", maxTok)
	}
	temp := 1.0
	if req.Temperature != nil {
		temp = *req.Temperature
	}
	if temp < 0 || temp > 2 {
		return p, 0, 0, 0, fmt.Errorf("temperature must be between 0 and 2, got %g", temp)
	}
	return p, n, maxTok, temp, nil
}

// roll draws the request's fault die: the same seed and request number
// give the same draw.
func (s *Server) roll(reqNo int64, which uint64) float64 {
	return unit(mix(s.cfg.Model.Seed, 0xfa17, uint64(reqNo), which))
}

// fault injects the request's failure, if it draws one, and reports
// whether it did.
func (s *Server) fault(w http.ResponseWriter, r *http.Request, reqNo int64) bool {
	f := s.cfg.Faults
	x := s.roll(reqNo, 0)
	log := s.cfg.Logger
	switch {
	case x < f.RateLimit:
		s.stats.limited.Add(1)
		log.Debug("sim server: 429", "request", reqNo)
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(f.RetryAfter.Seconds()))))
		w.Header().Set("Retry-After-Ms", strconv.FormatInt(f.RetryAfter.Milliseconds(), 10))
		apiError(w, http.StatusTooManyRequests, "rate_limit_error", "simulated rate limit: try again later")
	case x < f.RateLimit+f.ServerError:
		s.stats.errors.Add(1)
		log.Debug("sim server: 500", "request", reqNo)
		apiError(w, http.StatusInternalServerError, "server_error", "simulated server error")
	case x < f.RateLimit+f.ServerError+f.Timeout:
		s.stats.timeouts.Add(1)
		log.Debug("sim server: hanging", "request", reqNo)
		t := time.NewTimer(f.Hang)
		defer t.Stop()
		select {
		case <-r.Context().Done():
		case <-t.C:
		}
		panic(http.ErrAbortHandler)
	case x < f.RateLimit+f.ServerError+f.Timeout+f.Drop:
		s.stats.drops.Add(1)
		log.Debug("sim server: dropping the connection", "request", reqNo)
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	default:
		return false
	}
	return true
}

// identify names the step by the hash of its user prompt and hands out the
// next n sample indices of that prompt. It also reports how many input
// tokens a provider's prompt cache would serve: the system prompt's, once
// it has been seen.
func (s *Server) identify(p maker.Prompt, n int) (step, first, cached int) {
	h := fnv.New64a()
	h.Write([]byte(p.User))
	key := h.Sum64()
	hs := fnv.New64a()
	hs.Write([]byte(p.System))
	skey := hs.Sum64()
	s.mu.Lock()
	defer s.mu.Unlock()
	first, seen := s.counts[key]
	if !seen {
		s.remember(key)
	}
	s.counts[key] = first + n
	if s.systems[skey] {
		cached = maker.Prompt{System: p.System}.EstimateTokens()
	} else if len(s.systems) < 1024 {
		s.systems[skey] = true
	}
	return int(key & math.MaxInt32), first, cached
}

// remember adds a prompt to the ring, forgetting the oldest when full.
func (s *Server) remember(key uint64) {
	if len(s.order) < s.cfg.MaxPrompts {
		s.order = append(s.order, key)
		return
	}
	delete(s.counts, s.order[s.head])
	s.order[s.head] = key
	s.head = (s.head + 1) % len(s.order)
}

type completion struct {
	ID                string   `json:"id"`
	Object            string   `json:"object"`
	Created           int64    `json:"created"`
	Model             string   `json:"model"`
	SystemFingerprint string   `json:"system_fingerprint"`
	Choices           []choice `json:"choices"`
	Usage             usage    `json:"usage"`
}

type choice struct {
	Index        int     `json:"index"`
	Message      message `json:"message"`
	FinishReason string  `json:"finish_reason"`
}

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type usage struct {
	PromptTokens        int `json:"prompt_tokens"`
	CompletionTokens    int `json:"completion_tokens"`
	TotalTokens         int `json:"total_tokens"`
	PromptTokensDetails struct {
		CachedTokens int `json:"cached_tokens"`
	} `json:"prompt_tokens_details"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// apiError writes an error in OpenAI's shape.
func apiError(w http.ResponseWriter, status int, typ, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": nil}})
}
