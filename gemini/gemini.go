package gemini

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/genai"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/provider"
)

// Prefix is the provider prefix of model names ("gemini/gemini-...").
const Prefix = "gemini"

// KeyEnvs are the environment variables the key is read from, in order,
// unless [maker.ModelSpec.APIKeyEnv] names another.
var KeyEnvs = []string{"GEMINI_API_KEY", "GOOGLE_API_KEY"}

// DefaultBaseURL is the Gemini API endpoint. It is set explicitly so that
// the SDK's own environment lookup (GOOGLE_GEMINI_BASE_URL) cannot redirect
// a run without the run naming it.
const DefaultBaseURL = "https://generativelanguage.googleapis.com/"

// MaxCandidates is the most candidates the Gemini API returns per request.
const MaxCandidates = 8

// description is what `maker models` and `maker plan` know of the provider.
var description = provider.Description{Prefix: Prefix, KeyEnv: KeyEnvs[0], Catalog: Prefix,
	About: "Google Gemini API (google.golang.org/genai)", Price: PriceOf, Structured: true}

func init() { provider.Register(description, Open) }

// Config opens a model directly, without the provider registry.
type Config struct {
	// Model is the model name without the prefix, such as "gemini-2.5-flash".
	Model string
	// APIKey is the key itself. It is required, and registered with
	// [provider.AddSecret] so that no error can show it.
	APIKey string
	// APIKeyEnv names the variable the key came from, so that an
	// authentication failure can say which one to fix.
	APIKeyEnv string
	// BaseURL overrides DefaultBaseURL.
	BaseURL string
	// Timeout bounds one request (0: no limit beyond the caller's context).
	Timeout time.Duration
	// ThinkingBudget, when set, caps the tokens a thinking model may spend
	// thinking (0 turns thinking off where the model allows it). Thinking
	// tokens count against MaxTokens and are billed as output.
	ThinkingBudget *int32
	// NoBatch answers GenerateBatch with one request per candidate.
	NoBatch bool
	// HTTPClient replaces the default HTTP client.
	HTTPClient *http.Client
}

// Model is a Gemini model. It is safe for concurrent use.
type Model struct {
	info     provider.Info
	timeout  time.Duration
	thinking *int32
	noBatch  atomic.Bool // set when the model refused several candidates
	client   *genai.Client
}

var (
	_ maker.BatchModel = (*Model)(nil)
	_ maker.Priced     = (*Model)(nil)
)

// New opens a model from a Config.
func New(ctx context.Context, cfg Config) (*Model, error) {
	cfg.Model = trimModel(cfg.Model)
	if cfg.Model == "" {
		return nil, errors.New("gemini: model name required")
	}
	if cfg.APIKeyEnv == "" {
		cfg.APIKeyEnv = strings.Join(KeyEnvs, " or ")
	}
	if cfg.APIKey == "" {
		return nil, fmt.Errorf("gemini: no API key: set %s", cfg.APIKeyEnv)
	}
	provider.AddSecret(cfg.APIKey)
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("gemini: timeout must not be negative, got %s", cfg.Timeout)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		hc = &c
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = recorder{provider.LimitBody(base)}
	client, err := genai.NewClient(ctx, &genai.ClientConfig{
		APIKey:      cfg.APIKey,
		Backend:     genai.BackendGeminiAPI,
		HTTPClient:  hc,
		HTTPOptions: genai.HTTPOptions{BaseURL: cfg.BaseURL},
	})
	if err != nil {
		// The SDK's configuration errors print the whole configuration,
		// the key included; say what failed without it.
		return nil, fmt.Errorf("gemini: creating the client: %s", provider.Redact(err.Error()))
	}
	m := &Model{
		info:     provider.Info{Provider: Prefix, Model: cfg.Model, KeyEnv: cfg.APIKeyEnv, BaseURL: maker.RedactURL(cfg.BaseURL)},
		timeout:  cfg.Timeout,
		thinking: cfg.ThinkingBudget,
		client:   client,
	}
	m.noBatch.Store(cfg.NoBatch)
	return m, nil
}

// trimModel drops the "models/" resource prefix the REST API uses.
func trimModel(model string) string { return strings.TrimPrefix(model, "models/") }

// Options are the provider-specific settings [Open] reads from
// [maker.ModelSpec.Options], with the values each takes.
var Options = map[string]string{
	"thinking_budget": "tokens a thinking model may spend thinking (0: off, where the model allows)",
	"batch":           "on (default) or off: draw a step's first votes in one request with candidateCount",
}

// OpenBare opens the bare model a spec names: one HTTP attempt per call,
// with the spec's timeout and no retries or rate limits, for callers that
// bring middleware of their own. The key comes from the environment only.
func OpenBare(ctx context.Context, spec maker.ModelSpec) (*Model, error) {
	prefix, model, err := spec.Split()
	if err != nil {
		return nil, err
	}
	if prefix != Prefix {
		return nil, fmt.Errorf("gemini: model %q is not a %s/ model", spec.Name, Prefix)
	}
	key, env, err := provider.APIKey(spec, false, KeyEnvs...)
	if err != nil {
		return nil, err
	}
	cfg := Config{Model: model, APIKey: key, APIKeyEnv: env, BaseURL: spec.BaseURL, Timeout: spec.Timeout}
	for k, v := range spec.Options {
		switch k {
		case "thinking_budget":
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil || n < -1 {
				return nil, fmt.Errorf("gemini: option thinking_budget=%q: want a number of tokens (0 off, -1 dynamic)", v)
			}
			b := int32(n)
			cfg.ThinkingBudget = &b
		case "batch":
			switch strings.ToLower(v) {
			case "on", "true", "1", "":
			case "off", "false", "0":
				cfg.NoBatch = true
			default:
				return nil, fmt.Errorf("gemini: option batch=%q: want on or off", v)
			}
		default:
			return nil, provider.UnknownOption(Prefix, k, Options)
		}
	}
	return New(ctx, cfg)
}

// Open opens the model a spec names with the stack every provider shares:
// retries with backoff that honour Retry-After, the rate limits and the
// per-request timeout (see [provider.Open]). It is the opener registered for
// the "gemini" prefix.
func Open(ctx context.Context, spec maker.ModelSpec) (maker.Model, error) {
	bare := spec
	bare.Timeout = 0 // the shared stack times each attempt
	m, err := OpenBare(ctx, bare)
	if err != nil {
		return nil, err
	}
	return provider.Open(m, spec, m.info)
}

// Name returns the full model name, "gemini/<model>".
func (m *Model) Name() string { return m.info.Name() }

// String returns the full model name.
func (m *Model) String() string { return m.info.Name() }

// Pricing implements [maker.Priced] from the fallback price list; it is zero
// for a model the list does not know.
func (m *Model) Pricing() maker.Pricing {
	p, _ := description.PriceFor(m.info.Model)
	return p
}

// Generate sends one generateContent request: the system prompt as the
// system instruction, the user prompt as the one user turn.
//
// InputTokens is promptTokenCount, which includes the cached part;
// CachedInputTokens is cachedContentTokenCount (implicit cache hits
// included). OutputTokens adds thoughtsTokenCount to candidatesTokenCount,
// because thinking is billed as output and counts against the output limit.
func (m *Model) Generate(ctx context.Context, req maker.Request) (maker.Response, error) {
	resps, err := m.generate(ctx, req, 1)
	if err != nil {
		return maker.Response{}, err
	}
	return resps[0], nil
}

// GenerateBatch draws n candidates in one request (candidateCount), so the
// prompt is billed once; the input tokens are reported on the first response.
// The API reports output tokens for all candidates together, so they are
// split evenly across the responses (the total is exact). A candidate the API
// withheld comes back as an empty response, which the engine red-flags. A
// model that rejects several candidates with HTTP 400 is asked one at a time,
// concurrently, from then on.
func (m *Model) GenerateBatch(ctx context.Context, req maker.Request, n int) ([]maker.Response, error) {
	if n < 1 {
		return nil, &provider.Error{Info: m.info, Message: fmt.Sprintf("batch of %d candidates", n)}
	}
	if n == 1 || m.noBatch.Load() {
		return m.oneByOne(ctx, req, n)
	}
	var out []maker.Response
	for left := n; left > 0; {
		k := min(left, MaxCandidates)
		resps, err := m.generate(ctx, req, k)
		var e *provider.Error
		if k > 1 && errors.As(err, &e) && e.Status == http.StatusBadRequest && !e.Auth {
			m.noBatch.Store(true)
			more, err := m.oneByOne(ctx, req, left)
			return append(out, more...), err
		}
		if err != nil {
			return nil, err
		}
		out = append(out, resps...)
		left -= k
	}
	return out, nil
}

// oneByOne draws n samples with n concurrent single requests.
func (m *Model) oneByOne(ctx context.Context, req maker.Request, n int) ([]maker.Response, error) {
	out := make([]maker.Response, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { out[i], errs[i] = m.Generate(ctx, req) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// generate sends one request for n candidates and returns exactly n
// responses.
func (m *Model) generate(ctx context.Context, req maker.Request, n int) ([]maker.Response, error) {
	start := time.Now()
	if strings.TrimSpace(req.User) == "" {
		return nil, &provider.Error{Info: m.info, Message: "empty user prompt"}
	}
	if req.Temperature < 0 || req.Temperature > 2 {
		return nil, &provider.Error{Info: m.info, Message: fmt.Sprintf("temperature %g out of the API's range 0..2", req.Temperature)}
	}
	maxTokens := req.MaxTokens
	if maxTokens <= 0 {
		maxTokens = maker.DefaultMaxTokens
	}
	cfg := &genai.GenerateContentConfig{
		Temperature:     genai.Ptr(float32(req.Temperature)),
		MaxOutputTokens: int32(maxTokens),
		// One request per sample: a cut-off answer is red-flagged, never
		// continued.
		AutomaticContinuation: genai.Ptr(false),
	}
	if n > 1 {
		cfg.CandidateCount = int32(n)
	}
	if req.System != "" {
		cfg.SystemInstruction = &genai.Content{Parts: []*genai.Part{{Text: req.System}}}
	}
	if m.thinking != nil {
		cfg.ThinkingConfig = &genai.ThinkingConfig{ThinkingBudget: m.thinking}
	}
	if req.Schema != nil {
		withResponseSchema(cfg, req.Schema)
	}
	contents := []*genai.Content{genai.NewContentFromText(req.User, genai.RoleUser)}

	reqCtx, cancel := ctx, context.CancelFunc(func() {})
	if m.timeout > 0 {
		reqCtx, cancel = context.WithTimeout(ctx, m.timeout)
	}
	defer cancel()
	seen := &provider.LastResponse{}
	callCtx := provider.WithBodyLimit(context.WithValue(reqCtx, seenKey{}, seen), provider.BodyLimit(req, n))
	res, err := m.generateContent(callCtx, contents, cfg)
	if err != nil {
		return nil, m.classify(ctx, reqCtx, err, seen)
	}
	out, err := decode(m.info, res, n)
	if err != nil {
		return nil, err
	}
	latency := time.Since(start)
	for i := range out {
		out[i].Latency = latency
	}
	return out, nil
}

// generateContent calls the SDK. The SDK's converters panic on some bodies
// a broken or hostile server can send (a null candidate); such a body is an
// unreadable response, not a crash of the run.
func (m *Model) generateContent(ctx context.Context, contents []*genai.Content, cfg *genai.GenerateContentConfig) (res *genai.GenerateContentResponse, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("the response could not be decoded: %v", p)
		}
	}()
	return m.client.Models.GenerateContent(ctx, m.info.Model, contents, cfg)
}

// decode turns a generateContent response into exactly n responses, after
// checking that its usage can be true.
func decode(info provider.Info, res *genai.GenerateContentResponse, n int) ([]maker.Response, error) {
	if res == nil {
		return nil, provider.TransportError(info, errors.New("the response holds nothing"))
	}
	if len(res.Candidates) == 0 && res.PromptFeedback != nil && res.PromptFeedback.BlockReason != "" {
		return nil, &provider.Error{Info: info, Message: fmt.Sprintf("prompt blocked: %s %s", res.PromptFeedback.BlockReason, res.PromptFeedback.BlockReasonMessage)}
	}
	if u := res.UsageMetadata; u != nil {
		if err := provider.CheckUsage(info, int64(u.PromptTokenCount), int64(u.CachedContentTokenCount), int64(u.CandidatesTokenCount)+int64(u.ThoughtsTokenCount)); err != nil {
			return nil, err
		}
	}
	out := make([]maker.Response, n)
	for i := range out {
		out[i] = maker.Response{Finish: maker.FinishStop}
	}
	byIndex := distinctIndexes(res.Candidates, n)
	for pos, c := range res.Candidates {
		i := pos
		if byIndex {
			i = int(c.Index)
		}
		if c == nil || i >= n {
			continue
		}
		out[i].Text = candidateText(c)
		if c.FinishReason == genai.FinishReasonMaxTokens {
			out[i].Finish = maker.FinishLength
		}
	}
	if u := res.UsageMetadata; u != nil {
		out[0].InputTokens = int(u.PromptTokenCount)
		out[0].CachedInputTokens = int(u.CachedContentTokenCount)
		total := int(u.CandidatesTokenCount) + int(u.ThoughtsTokenCount)
		for i := range out {
			out[i].OutputTokens = total / n
			if i < total%n {
				out[i].OutputTokens++
			}
		}
	}
	return out, nil
}

// distinctIndexes reports whether the candidates' indexes place each in its
// own slot below n; otherwise they are taken in the order they came.
func distinctIndexes(cs []*genai.Candidate, n int) bool {
	seen := make(map[int32]bool, len(cs))
	for _, c := range cs {
		if c == nil || c.Index < 0 || int(c.Index) >= n || seen[c.Index] {
			return false
		}
		seen[c.Index] = true
	}
	return true
}

// candidateText joins the text parts of a candidate, leaving out thought
// summaries.
func candidateText(c *genai.Candidate) string {
	if c.Content == nil {
		return ""
	}
	var b strings.Builder
	for _, p := range c.Content.Parts {
		if p != nil && !p.Thought {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// seenKey is the context key under which the transport records the last
// response of a call, for the status and headers the SDK's error drops.
type seenKey struct{}

// recorder is an http.RoundTripper that notes in the call's
// provider.LastResponse whether the request went out and the status and
// headers of its response.
type recorder struct{ base http.RoundTripper }

func (t recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	l, ok := r.Context().Value(seenKey{}).(*provider.LastResponse)
	if ok {
		l.Sending()
	}
	res, err := t.base.RoundTrip(r)
	if ok {
		l.Received(res)
	}
	return res, err
}

// classify turns a failed call into a *provider.Error, or returns the caller's own
// cancellation unchanged: a sample the engine cancelled is not a failure.
// A RetryInfo detail gives the wait when no header does, and an
// API_KEY_INVALID reason (or a 400 about the API key) marks a refused key.
func (m *Model) classify(ctx, reqCtx context.Context, err error, seen *provider.LastResponse) error {
	sent, status, header := seen.Get()
	var apiErr genai.APIError
	isAPI := errors.As(err, &apiErr)
	if isAPI && apiErr.Code >= 400 {
		status = apiErr.Code
	}
	e, final := provider.Classify(ctx, reqCtx, m.info, err, sent, status, header)
	if final != nil {
		return final
	}
	if !isAPI {
		return e.Explain(false, "")
	}
	if e.RetryAfter == 0 {
		e.RetryAfter = retryDelay(apiErr.Details)
	}
	detail := strings.TrimSpace(strings.Join([]string{apiErr.Status, apiErr.Message}, " "))
	if len(detail) > 500 {
		detail = detail[:500] + "..."
	}
	keyRejected := errorReason(apiErr.Details) == "API_KEY_INVALID" ||
		(status == http.StatusBadRequest && strings.Contains(apiErr.Message, "API key"))
	return e.Explain(keyRejected, detail)
}
