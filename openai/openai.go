// Package openai is the provider for OpenAI's chat-completions API and every
// server that speaks it: OpenAI itself, OpenRouter, Groq, Together,
// DeepSeek, Mistral, xAI, Fireworks, a LiteLLM proxy, and local servers
// (Ollama, vLLM, LM Studio, llama.cpp). Importing it registers one prefix
// per [Preset] with [provider.Register]:
//
//	import _ "github.com/maker-go/maker/openai"
//	m, err := maker.OpenModel(ctx, maker.ModelSpec{Name: "openai/gpt-4.1-mini",
//		Transport: maker.Transport{Retries: provider.DefaultMaxRetries}})
//
// Requests go through the official openai-go SDK with its own retries
// turned off; retries, rate limits and timeouts come from the shared
// [provider] middleware, so every provider behaves the same way.
package openai

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	oa "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/provider"
)

func init() {
	for _, p := range presets {
		provider.Register(p.description(), p.open)
	}
}

// Model is the bare chat-completions model: one HTTP request per call, no
// retries. [maker.OpenModel] returns it wrapped in the [provider] stack;
// use [New] to build one by hand.
type Model struct {
	chat   oa.ChatCompletionService
	preset Preset
	info   provider.Info
	price  maker.Pricing
	note   string
	// simulated is set once a response carried X-Maker-Simulated: true,
	// the mark of maker's own simulated server.
	simulated atomic.Bool
	// noN is set once the server answered n>1 with fewer choices: it
	// ignores n, so later batches are sent as single requests.
	noN atomic.Bool
}

var (
	_ maker.BatchModel    = (*Model)(nil)
	_ maker.Priced        = (*Model)(nil)
	_ provider.PriceNoter = (*Model)(nil)
)

// open is the preset's [maker.Opener]: it reads the key, builds the model
// and wraps it in the standard retry, limit and timeout stack.
func (p Preset) open(_ context.Context, spec maker.ModelSpec) (maker.Model, error) {
	m, err := New(p, spec)
	if err != nil {
		return nil, err
	}
	var base maker.Model = m
	if !p.Batch {
		base = single{m}
	}
	return provider.Open(base, spec, m.info)
}

// New builds the bare model for a preset and spec: the endpoint from
// spec.BaseURL or the preset, the key from the environment, the prices from
// the catalog.
func New(p Preset, spec maker.ModelSpec) (*Model, error) {
	_, name, err := spec.Split()
	if err != nil {
		return nil, err
	}
	base := p.BaseURL
	if spec.BaseURL != "" {
		base = spec.BaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("model %s: base URL %q: want http(s)://host[:port]/path", spec.Name, base)
	}
	var envs []string
	if p.KeyEnv != "" {
		envs = []string{p.KeyEnv}
	}
	key, env, err := provider.APIKey(spec, p.keyOptional(), envs...)
	if err != nil {
		return nil, err
	}
	opts := []option.RequestOption{
		option.WithBaseURL(base),
		option.WithMaxRetries(0), // the provider middleware retries
	}
	if key != "" {
		opts = append(opts, option.WithAPIKey(key))
	}
	m := &Model{}
	opts = append(opts, option.WithHTTPClient(&http.Client{Transport: simSpy{m, provider.LimitBody(http.DefaultTransport.(*http.Transport).Clone())}}))
	*m = Model{
		// A bare service, not oa.NewClient: the client would also read
		// OPENAI_API_KEY and OPENAI_BASE_URL, and send an OpenAI key to
		// whatever server another preset names.
		chat:   oa.NewChatCompletionService(opts...),
		preset: p,
		info:   provider.Info{Provider: p.Prefix, Model: name, KeyEnv: env, BaseURL: maker.RedactURL(base)},
	}
	m.price, m.note = priceOf(p, name)
	return m, nil
}

// priceOf is the price the preset's description gives the model, the same
// that `maker plan` and `maker models` show, or a note saying none is known.
func priceOf(p Preset, name string) (maker.Pricing, string) {
	if pr, ok := p.description().PriceFor(name); ok {
		return pr, ""
	}
	return maker.Pricing{}, fmt.Sprintf("no price known for %s/%s; cost is reported as 0 (give --price-in and --price-out)", p.Prefix, name)
}

// Simulated implements [maker.Simulated]: true once the server has said it
// is maker's simulated server, so that the summary says so.
func (m *Model) Simulated() bool { return m.simulated.Load() }

// simSpy notices the simulated server's mark on responses.
type simSpy struct {
	m    *Model
	next http.RoundTripper
}

func (s simSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(r)
	if err == nil && resp.Header.Get(simulatedHeader) == "true" {
		s.m.simulated.Store(true)
	}
	return resp, err
}

// simulatedHeader is what maker's simulated server sets on every response.
const simulatedHeader = "X-Maker-Simulated"

// String is the model's full name.
func (m *Model) String() string { return m.info.Provider + "/" + m.info.Model }

// Pricing implements [maker.Priced] with the catalog's prices.
func (m *Model) Pricing() maker.Pricing { return m.price }

// PriceNote implements [provider.PriceNoter].
func (m *Model) PriceNote() string { return m.note }

// Generate implements [maker.Model]: one request, one completion.
func (m *Model) Generate(ctx context.Context, req maker.Request) (maker.Response, error) {
	rs, err := m.complete(ctx, req, 1)
	if err != nil {
		return maker.Response{}, err
	}
	return rs[0], nil
}

// GenerateBatch implements [maker.BatchModel] with n completions of one
// request, so the prompt is billed once; its input tokens are reported on
// the first response. A server that ignores n and returns fewer choices
// gets the rest asked one by one, and no more batches after that.
func (m *Model) GenerateBatch(ctx context.Context, req maker.Request, n int) ([]maker.Response, error) {
	if n < 1 {
		return nil, fmt.Errorf("%s: batch of %d completions", m, n)
	}
	var rs []maker.Response
	if n > 1 && !m.noN.Load() {
		var err error
		if rs, err = m.complete(ctx, req, n); err != nil {
			return nil, err
		}
		if len(rs) >= n {
			return rs[:n], nil
		}
		m.noN.Store(true)
	}
	return m.fill(ctx, req, rs, n)
}

// fill asks the missing completions of a batch one request each, at once.
func (m *Model) fill(ctx context.Context, req maker.Request, have []maker.Response, n int) ([]maker.Response, error) {
	out := make([]maker.Response, n)
	copy(out, have)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := len(have); i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = m.Generate(ctx, req)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// complete sends one chat-completions request for n choices.
func (m *Model) complete(ctx context.Context, req maker.Request, n int) ([]maker.Response, error) {
	params := oa.ChatCompletionNewParams{
		Model:       m.info.Model,
		Temperature: oa.Float(req.Temperature),
	}
	if req.System != "" {
		params.Messages = append(params.Messages, oa.SystemMessage(req.System))
	}
	params.Messages = append(params.Messages, oa.UserMessage(req.User))
	if req.MaxTokens > 0 {
		if m.preset.MaxCompletionTokens {
			params.MaxCompletionTokens = oa.Int(int64(req.MaxTokens))
		} else {
			params.MaxTokens = oa.Int(int64(req.MaxTokens))
		}
	}
	if n > 1 {
		params.N = oa.Int(int64(n))
	}
	if req.Schema != nil && m.preset.Structured {
		params.ResponseFormat = responseFormat(req.Schema)
	}
	cc, err := m.chat.New(provider.WithBodyLimit(ctx, provider.BodyLimit(req, n)), params)
	if err != nil {
		return nil, m.classify(err)
	}
	return decode(m.info, cc, n)
}

// decode turns a chat completion into n or fewer responses, after checking
// that it has a choice and that its usage can be true.
func decode(info provider.Info, cc *oa.ChatCompletion, n int) ([]maker.Response, error) {
	if cc == nil || len(cc.Choices) == 0 {
		return nil, provider.TransportError(info, errors.New("the response has no choices"))
	}
	u := cc.Usage
	if err := provider.CheckUsage(info, u.PromptTokens, u.PromptTokensDetails.CachedTokens, u.CompletionTokens); err != nil {
		return nil, err
	}
	return responses(cc, n), nil
}

// classify turns the SDK's error into a [provider.Error]. The SDK's own
// error keeps the request, headers included, so only its status, headers
// and message are carried over: the key cannot leak through it.
func (m *Model) classify(err error) error {
	var api *oa.Error
	if errors.As(err, &api) {
		var h http.Header
		if api.Response != nil {
			h = api.Response.Header
		}
		return provider.HTTPError(m.info, api.StatusCode, h, api.Message)
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return provider.TransportError(m.info, err)
}

// responses reads the choices and the usage. The usage counts all choices
// together: input tokens go on the first response (the prompt was billed
// once), and output tokens are shared out in proportion to each choice's
// length so that they add up to what was billed.
func responses(cc *oa.ChatCompletion, n int) []maker.Response {
	choices := cc.Choices
	if len(choices) > n {
		choices = choices[:n]
	}
	out := make([]maker.Response, len(choices))
	total := 0
	for _, c := range choices {
		total += len(c.Message.Content)
	}
	outTok := int(cc.Usage.CompletionTokens)
	left := outTok
	for i, c := range choices {
		r := maker.Response{Text: c.Message.Content, Finish: finish(c.FinishReason)}
		switch {
		case i == len(choices)-1:
			r.OutputTokens = left
		case total > 0:
			r.OutputTokens = outTok * len(c.Message.Content) / total
		default:
			r.OutputTokens = outTok / len(choices)
		}
		left -= r.OutputTokens
		out[i] = r
	}
	out[0].InputTokens = int(cc.Usage.PromptTokens)
	out[0].CachedInputTokens = int(cc.Usage.PromptTokensDetails.CachedTokens)
	if c, ok := billedCost(cc.Usage); ok {
		// The request's bill, like its prompt, goes on the first response.
		out[0].BilledCostUSD, out[0].CostReported = c, true
	}
	return out
}

// billedCost reads the cost a server reports in the usage, in US dollars:
// OpenRouter's usage.cost (and LiteLLM's, which copies it). OpenAI itself
// reports none. A value that is not a finite, non-negative number is
// ignored rather than trusted: the catalog price stands then.
func billedCost(u oa.CompletionUsage) (float64, bool) {
	// The SDK keeps a field it does not declare with its raw JSON only
	// (never marked valid), so the raw text is parsed here.
	f, ok := u.JSON.ExtraFields["cost"]
	if !ok {
		return 0, false
	}
	c, err := strconv.ParseFloat(strings.TrimSpace(f.Raw()), 64)
	if err != nil || math.IsNaN(c) || math.IsInf(c, 0) || c < 0 {
		return 0, false
	}
	return c, true
}

func finish(reason string) maker.FinishReason {
	switch reason {
	case "length":
		return maker.FinishLength
	case "stop", "":
		return maker.FinishStop
	}
	return maker.FinishReason(reason)
}

// single hides batching from the engine for endpoints that ignore n.
type single struct{ m *Model }

func (s single) Generate(ctx context.Context, req maker.Request) (maker.Response, error) {
	return s.m.Generate(ctx, req)
}
func (s single) Pricing() maker.Pricing { return s.m.Pricing() }
func (s single) PriceNote() string      { return s.m.PriceNote() }
func (s single) String() string         { return s.m.String() }
func (s single) Simulated() bool        { return s.m.Simulated() }
