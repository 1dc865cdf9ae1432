package anthropic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	sdk "github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/provider"
)

// Prefix is the provider prefix of model names ("anthropic/claude-...").
const Prefix = "anthropic"

// DefaultAPIKeyEnv is the environment variable the key is read from unless
// [maker.ModelSpec.APIKeyEnv] names another.
const DefaultAPIKeyEnv = "ANTHROPIC_API_KEY"

// description is what `maker models` and `maker plan` know of the provider.
var description = provider.Description{Prefix: Prefix, KeyEnv: DefaultAPIKeyEnv, Catalog: Prefix,
	About: "Anthropic Messages API (anthropic-sdk-go)", Price: PriceOf, Structured: true}

func init() { provider.Register(description, Open) }

// TemperatureMode says whether requests carry the sampling temperature.
type TemperatureMode string

// Temperature modes, the values of option "temperature".
const (
	// TemperatureAuto sends it to the models that accept it
	// ([AcceptsTemperature]) and omits it for the others. The default.
	TemperatureAuto TemperatureMode = "auto"
	// TemperatureSend always sends it, for a model the rule does not know
	// yet that still accepts it.
	TemperatureSend TemperatureMode = "send"
	// TemperatureOmit never sends it: every vote at the API default.
	TemperatureOmit TemperatureMode = "omit"
)

// Config opens a model directly, without the provider registry.
type Config struct {
	// Model is the model name without the prefix, such as "claude-haiku-4-5".
	Model string
	// APIKey is the key itself. It is required, and registered with
	// [provider.AddSecret] so that no error can show it.
	APIKey string
	// APIKeyEnv names the variable the key came from, so that an
	// authentication failure can say which one to fix (default
	// ANTHROPIC_API_KEY).
	APIKeyEnv string
	// BaseURL overrides https://api.anthropic.com.
	BaseURL string
	// Timeout bounds one request (0: no limit beyond the caller's context).
	Timeout time.Duration
	// NoCache turns prompt caching of the system prompt off. Caching is on
	// by default because the system prompt is the same for every step.
	NoCache bool
	// Temperature decides whether requests carry the temperature (default
	// TemperatureAuto).
	Temperature TemperatureMode
	// HTTPClient replaces the default HTTP client.
	HTTPClient *http.Client
}

// Model is a Claude model. It is safe for concurrent use.
type Model struct {
	info    provider.Info
	timeout time.Duration
	cache   bool
	temp    bool
	client  sdk.Client
}

var (
	_ maker.Model  = (*Model)(nil)
	_ maker.Priced = (*Model)(nil)
)

// New opens a model from a Config.
func New(cfg Config) (*Model, error) {
	if cfg.Model == "" {
		return nil, errors.New("anthropic: model name required")
	}
	if cfg.APIKeyEnv == "" {
		cfg.APIKeyEnv = DefaultAPIKeyEnv
	}
	if cfg.APIKey == "" {
		return nil, fmt.Errorf("anthropic: no API key: set %s", cfg.APIKeyEnv)
	}
	provider.AddSecret(cfg.APIKey)
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("anthropic: timeout must not be negative, got %s", cfg.Timeout)
	}
	send := AcceptsTemperature(cfg.Model)
	switch cfg.Temperature {
	case "", TemperatureAuto:
	case TemperatureSend:
		send = true
	case TemperatureOmit:
		send = false
	default:
		return nil, fmt.Errorf("anthropic: temperature mode %q: want auto, send or omit", cfg.Temperature)
	}
	opts := []option.RequestOption{
		// The key, the endpoint and the retries are ours to decide; the
		// SDK's own environment lookups (ANTHROPIC_BASE_URL, profiles)
		// would make a run depend on variables it never names.
		option.WithoutEnvironmentDefaults(),
		option.WithAPIKey(cfg.APIKey),
		option.WithMaxRetries(0),
	}
	if cfg.BaseURL != "" {
		opts = append(opts, option.WithBaseURL(cfg.BaseURL))
	}
	// Under the SDK, the body of every response is capped.
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		hc = &c
	}
	hc.Transport = provider.LimitBody(hc.Transport)
	opts = append(opts, option.WithHTTPClient(hc))
	base := cfg.BaseURL
	if base == "" {
		base = "https://api.anthropic.com"
	}
	return &Model{
		info:    provider.Info{Provider: Prefix, Model: cfg.Model, KeyEnv: cfg.APIKeyEnv, BaseURL: maker.RedactURL(base)},
		timeout: cfg.Timeout,
		cache:   !cfg.NoCache,
		temp:    send,
		client:  sdk.NewClient(opts...),
	}, nil
}

// Options are the provider-specific settings [Open] reads from
// [maker.ModelSpec.Options], with the values each takes.
var Options = map[string]string{
	"cache":       "on (default) or off: mark the system prompt for the prompt cache",
	"temperature": "auto (default), send or omit: whether requests carry the temperature",
}

// OpenBare opens the bare model a spec names: one HTTP attempt per call,
// with the spec's timeout and no retries or rate limits, for callers that
// bring middleware of their own. The key comes from the environment only.
func OpenBare(_ context.Context, spec maker.ModelSpec) (*Model, error) {
	prefix, model, err := spec.Split()
	if err != nil {
		return nil, err
	}
	if prefix != Prefix {
		return nil, fmt.Errorf("anthropic: model %q is not an %s/ model", spec.Name, Prefix)
	}
	key, env, err := provider.APIKey(spec, false, DefaultAPIKeyEnv)
	if err != nil {
		return nil, err
	}
	cfg := Config{Model: model, APIKey: key, APIKeyEnv: env, BaseURL: spec.BaseURL, Timeout: spec.Timeout}
	for k, v := range spec.Options {
		switch k {
		case "cache":
			switch strings.ToLower(v) {
			case "on", "true", "1", "":
			case "off", "false", "0":
				cfg.NoCache = true
			default:
				return nil, fmt.Errorf("anthropic: option cache=%q: want on or off", v)
			}
		case "temperature":
			cfg.Temperature = TemperatureMode(strings.ToLower(v))
		default:
			return nil, provider.UnknownOption(Prefix, k, Options)
		}
	}
	return New(cfg)
}

// Open opens the model a spec names with the stack every provider shares:
// retries with backoff that honour Retry-After, the rate limits and the
// per-request timeout (see [provider.Open]). It is the opener registered for
// the "anthropic" prefix.
func Open(ctx context.Context, spec maker.ModelSpec) (maker.Model, error) {
	bare := spec
	bare.Timeout = 0 // the shared stack times each attempt
	m, err := OpenBare(ctx, bare)
	if err != nil {
		return nil, err
	}
	return provider.Open(m, spec, m.info)
}

// Name returns the full model name, "anthropic/<model>".
func (m *Model) Name() string { return m.info.Name() }

// String returns the full model name.
func (m *Model) String() string { return m.info.Name() }

// SendsTemperature reports whether requests to this model carry the
// temperature (see [AcceptsTemperature]).
func (m *Model) SendsTemperature() bool { return m.temp }

// Pricing implements [maker.Priced] from the fallback price list; it is zero
// for a model the list does not know.
func (m *Model) Pricing() maker.Pricing {
	p, _ := description.PriceFor(m.info.Model)
	return p
}

// Generate sends one Messages request: the system prompt as a system block
// (marked for the cache unless caching is off), the user prompt as the one
// user message.
//
// Anthropic's input_tokens counts only the input after the last cache
// breakpoint; cache reads and cache writes are counted apart. InputTokens is
// their sum, the whole prompt, and CachedInputTokens the cache reads, which
// is what [maker.Pricing.Cost] expects.
func (m *Model) Generate(ctx context.Context, req maker.Request) (maker.Response, error) {
	start := time.Now()
	if strings.TrimSpace(req.User) == "" {
		return maker.Response{}, &provider.Error{Info: m.info, Message: "empty user prompt"}
	}
	if m.temp && (req.Temperature < 0 || req.Temperature > 1) {
		return maker.Response{}, &provider.Error{Info: m.info, Message: fmt.Sprintf("temperature %g out of the API's range 0..1", req.Temperature)}
	}
	maxTokens := req.MaxTokens
	if maxTokens <= 0 {
		maxTokens = maker.DefaultMaxTokens
	}
	params := sdk.MessageNewParams{
		Model:     sdk.Model(m.info.Model),
		MaxTokens: int64(maxTokens),
		Messages:  []sdk.MessageParam{sdk.NewUserMessage(sdk.NewTextBlock(req.User))},
	}
	if req.System != "" {
		block := sdk.TextBlockParam{Text: req.System}
		if m.cache {
			block.CacheControl = sdk.NewCacheControlEphemeralParam()
		}
		params.System = []sdk.TextBlockParam{block}
	}
	if m.temp {
		params.Temperature = sdk.Float(req.Temperature)
	}
	if req.Schema != nil {
		if err := withAnswerTool(&params, req.Schema); err != nil {
			return maker.Response{}, &provider.Error{Info: m.info, Message: err.Error()}
		}
	}

	reqCtx, cancel := ctx, context.CancelFunc(func() {})
	if m.timeout > 0 {
		reqCtx, cancel = context.WithTimeout(ctx, m.timeout)
	}
	defer cancel()
	var seen provider.LastResponse
	limited := provider.WithBodyLimit(reqCtx, provider.BodyLimit(req, 1))
	msg, err := m.client.Messages.New(limited, params, option.WithMiddleware(record(&seen)))
	if err != nil {
		return maker.Response{}, m.classify(ctx, reqCtx, err, &seen)
	}
	resp, err := decode(m.info, msg)
	if err != nil {
		return maker.Response{}, err
	}
	resp.Latency = time.Since(start)
	return resp, nil
}

// decode turns a Messages response into a response, after checking that
// its usage can be true.
func decode(info provider.Info, msg *sdk.Message) (maker.Response, error) {
	if msg == nil {
		return maker.Response{}, provider.TransportError(info, errors.New("the response holds no message"))
	}
	u := msg.Usage
	for _, c := range []int64{u.InputTokens, u.CacheReadInputTokens, u.CacheCreationInputTokens} {
		if err := provider.CheckUsage(info, c, 0, 0); err != nil {
			return maker.Response{}, err
		}
	}
	if err := provider.CheckUsage(info, u.InputTokens+u.CacheReadInputTokens+u.CacheCreationInputTokens, u.CacheReadInputTokens, u.OutputTokens); err != nil {
		return maker.Response{}, err
	}
	var text strings.Builder
	for _, block := range msg.Content {
		if block.Type == "text" {
			text.WriteString(block.Text)
		}
	}
	if answer, ok := toolAnswer(msg.Content); ok {
		// A request with an answer schema is answered by the tool's input.
		text.Reset()
		text.WriteString(answer)
	}
	resp := maker.Response{
		Text:              text.String(),
		InputTokens:       int(u.InputTokens + u.CacheReadInputTokens + u.CacheCreationInputTokens),
		CachedInputTokens: int(u.CacheReadInputTokens),
		OutputTokens:      int(u.OutputTokens),
		Finish:            maker.FinishStop,
	}
	switch msg.StopReason {
	case sdk.StopReasonMaxTokens, sdk.StopReasonModelContextWindowExceeded:
		resp.Finish = maker.FinishLength
	}
	return resp, nil
}

// record is middleware that notes in seen whether the request went out and
// the status and headers of its response.
func record(seen *provider.LastResponse) option.Middleware {
	return func(r *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		seen.Sending()
		res, err := next(r)
		seen.Received(res)
		return res, err
	}
}

// classify turns a failed call into a *provider.Error, or returns the caller's own
// cancellation unchanged: a sample the engine cancelled is not a failure.
// Anthropic's x-should-retry header overrules the status's verdict.
func (m *Model) classify(ctx, reqCtx context.Context, err error, seen *provider.LastResponse) error {
	sent, status, header := seen.Get()
	var apiErr *sdk.Error
	if errors.As(err, &apiErr) {
		status = apiErr.StatusCode
		if apiErr.Response != nil {
			header = apiErr.Response.Header
		}
	}
	e, final := provider.Classify(ctx, reqCtx, m.info, err, sent, status, header)
	if final != nil {
		return final
	}
	detail := ""
	if apiErr != nil {
		detail = apiMessage(apiErr.RawJSON())
	}
	e = e.Explain(false, detail)
	if header != nil {
		// Anthropic's own verdict wins over the status's.
		switch header.Get("X-Should-Retry") {
		case "true":
			e.Retryable = true
		case "false":
			e.Retryable = false
		}
	}
	return e
}

// apiMessage pulls "type: message" out of an Anthropic error body
// ({"type":"error","error":{"type":...,"message":...}}).
func apiMessage(raw string) string {
	var body struct {
		Error struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal([]byte(raw), &body) != nil {
		return ""
	}
	switch {
	case body.Error.Type != "" && body.Error.Message != "":
		return body.Error.Type + ": " + body.Error.Message
	default:
		return body.Error.Type + body.Error.Message
	}
}
