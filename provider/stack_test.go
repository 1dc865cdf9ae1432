package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

type plain struct{}

func (plain) Generate(context.Context, maker.Request) (maker.Response, error) {
	return maker.Response{Text: "one"}, nil
}

type batcher struct{ plain }

func (batcher) GenerateBatch(_ context.Context, _ maker.Request, n int) ([]maker.Response, error) {
	out := make([]maker.Response, n)
	for i := range out {
		out[i].Text = "many"
	}
	return out, nil
}
func (batcher) Pricing() maker.Pricing { return maker.Pricing{InPerMTok: 1, OutPerMTok: 2} }
func (batcher) Simulated() bool        { return true }
func (batcher) PriceNote() string      { return "a note" }

func TestWrapKeepsCapabilities(t *testing.T) {
	w := Wrap(plain{}, Retry(RetryConfig{}))
	if _, ok := w.(maker.BatchModel); ok {
		t.Error("a plain model became a batch model")
	}
	if p, ok := w.(maker.Priced); !ok || !p.Pricing().Zero() {
		t.Error("a model without prices should report zero prices")
	}
	if maker.IsSimulated(w) || PriceNote(w) != "" {
		t.Error("plain model: simulated or noted")
	}
	wb := Wrap(batcher{}, Retry(RetryConfig{}))
	bm, ok := wb.(maker.BatchModel)
	if !ok {
		t.Fatal("a batch model lost GenerateBatch")
	}
	rs, err := bm.GenerateBatch(context.Background(), maker.Request{}, 3)
	if err != nil || len(rs) != 3 || rs[2].Text != "many" {
		t.Fatalf("GenerateBatch = %v, %v", rs, err)
	}
	if wb.(maker.Priced).Pricing().OutPerMTok != 2 || !maker.IsSimulated(wb) || PriceNote(wb) != "a note" {
		t.Error("prices, simulated flag or note not passed on")
	}
	if Unwrap(wb) != (batcher{}) {
		t.Error("Unwrap does not return the base")
	}
}

func TestLimitPacesRequests(t *testing.T) {
	// 600 a minute is one every 100ms after a burst of 10.
	mw, err := Limit(Limits{RequestsPerMinute: 600})
	if err != nil {
		t.Fatal(err)
	}
	call := mw(func(context.Context, maker.Request, int) ([]maker.Response, error) { return []maker.Response{{}}, nil })
	start := time.Now()
	for i := 0; i < 13; i++ {
		if _, err := call(context.Background(), maker.Request{}, 1); err != nil {
			t.Fatal(err)
		}
	}
	// 10 pass at once, the next 3 wait about 100ms each.
	if el := time.Since(start); el < 250*time.Millisecond || el > 2*time.Second {
		t.Errorf("13 requests at 600 rpm took %s, want about 300ms", el)
	}
}

func TestLimitTokens(t *testing.T) {
	// 6000 tokens a minute = 100 a second; each request is charged its
	// estimate (prompt/4 + 1 + max tokens per completion).
	mw, err := Limit(Limits{TokensPerMinute: 6000})
	if err != nil {
		t.Fatal(err)
	}
	call := mw(func(context.Context, maker.Request, int) ([]maker.Response, error) { return []maker.Response{{}}, nil })
	req := maker.Request{MaxTokens: 1999}
	if got := EstimateTokens(req, 3); got != 1+3*1999 {
		t.Fatalf("EstimateTokens = %d", got)
	}
	start := time.Now()
	// The first request empties the bucket (its 5998 tokens); at 100
	// tokens a second the next needs about 20s, so a 50ms deadline fails
	// at once.
	if _, err := call(context.Background(), req, 3); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := call(ctx, req, 1); err == nil {
		t.Fatal("the token budget let a second request through at once")
	}
	if time.Since(start) > time.Second {
		t.Error("the limiter waited instead of refusing a wait past the deadline")
	}
	if _, err := Limit(Limits{RequestsPerMinute: -1}); err == nil {
		t.Error("negative rpm accepted")
	}
}

func TestOpenSettings(t *testing.T) {
	tests := []struct {
		name      string
		transport maker.Transport
		timeout   time.Duration
		fails     int // the bare model fails with a 503 this many times
		calls     int // then this many calls reach it
		err       string
	}{
		{name: "zero never retries", fails: 1, calls: 1, err: "HTTP 503"},
		{name: "retries as asked", transport: maker.Transport{Retries: 2, RetryWait: time.Millisecond}, fails: 2, calls: 3},
		{name: "gives up after the retries", transport: maker.Transport{Retries: 1, RetryWait: time.Millisecond}, fails: 3, calls: 2, err: "giving up after 1 retries"},
		{name: "negative retries", transport: maker.Transport{Retries: -1}, err: "--retries"},
		{name: "negative rpm", transport: maker.Transport{RPM: -5}, err: "negative"},
		{name: "negative wait", transport: maker.Transport{RetryWait: -time.Second}, err: "--retry-wait"},
		{name: "negative timeout", timeout: -time.Second, err: "--timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{}
			for range tt.fails {
				s.errs = append(s.errs, HTTPError(Info{Provider: "p", Model: "m"}, 503, nil, ""))
			}
			m, err := Open(callModel(s.call), maker.ModelSpec{Name: "p/m", Transport: tt.transport, Timeout: tt.timeout}, Info{Provider: "p", Model: "m"})
			if err == nil {
				_, err = m.Generate(context.Background(), maker.Request{})
			}
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
			if s.calls != tt.calls {
				t.Errorf("%d calls, want %d", s.calls, tt.calls)
			}
		})
	}
}

// callModel is a bare model made of a call.
type callModel Call

func (c callModel) Generate(ctx context.Context, req maker.Request) (maker.Response, error) {
	rs, err := c(ctx, req, 1)
	if err != nil {
		return maker.Response{}, err
	}
	return rs[0], nil
}

func TestOpenAppliesTheDefaultTimeout(t *testing.T) {
	defer func(d time.Duration) { defaultTimeout = d }(defaultTimeout)
	defaultTimeout = 50 * time.Millisecond
	hang := callModel(func(ctx context.Context, _ maker.Request, _ int) ([]maker.Response, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	m, err := Open(hang, maker.ModelSpec{Name: "p/m"}, Info{Provider: "p", Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	_, err = m.Generate(ctx, maker.Request{})
	if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Fatalf("err = %v after %s; want the default timeout to end the call", err, time.Since(start))
	}
}

func TestAPIKey(t *testing.T) {
	t.Setenv("MAKER_TEST_KEY", "sk-test-1234")
	t.Setenv("MAKER_OTHER_KEY", "sk-other-5678")
	t.Setenv("MAKER_EMPTY_KEY", "")
	tests := []struct {
		spec     maker.ModelSpec
		envs     []string
		optional bool
		key, env string
		err      string
	}{
		{maker.ModelSpec{Name: "x/m"}, []string{"MAKER_TEST_KEY"}, false, "sk-test-1234", "MAKER_TEST_KEY", ""},
		{maker.ModelSpec{Name: "x/m"}, []string{"MAKER_EMPTY_KEY", "MAKER_OTHER_KEY"}, false, "sk-other-5678", "MAKER_OTHER_KEY", ""},
		{maker.ModelSpec{Name: "x/m"}, []string{"MAKER_EMPTY_KEY"}, false, "", "MAKER_EMPTY_KEY", "set the environment variable MAKER_EMPTY_KEY"},
		{maker.ModelSpec{Name: "x/m"}, []string{"MAKER_EMPTY_KEY", "MAKER_UNSET_KEY"}, false, "", "", "MAKER_EMPTY_KEY or MAKER_UNSET_KEY"},
		{maker.ModelSpec{Name: "x/m"}, []string{"MAKER_EMPTY_KEY"}, true, "", "MAKER_EMPTY_KEY", ""},
		{maker.ModelSpec{Name: "x/m", APIKeyEnv: "MAKER_TEST_KEY"}, []string{"OTHER"}, false, "sk-test-1234", "MAKER_TEST_KEY", ""},
		{maker.ModelSpec{Name: "x/m", APIKeyEnv: "MAKER_EMPTY_KEY"}, nil, true, "", "MAKER_EMPTY_KEY", "MAKER_EMPTY_KEY"},
		{maker.ModelSpec{Name: "x/m"}, nil, true, "", "", ""},
	}
	for _, tt := range tests {
		key, env, err := APIKey(tt.spec, tt.optional, tt.envs...)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%+v: err = %v, want %q", tt.spec, err, tt.err)
			}
			continue
		}
		if err != nil || key != tt.key || env != tt.env {
			t.Errorf("%+v: got %q %q %v", tt.spec, key, env, err)
		}
	}
	// Every key read is registered for redaction.
	if got := Redact("echo sk-other-5678"); got != "echo [redacted]" {
		t.Errorf("a key read by APIKey is not redacted: %q", got)
	}
}

func TestPrice(t *testing.T) {
	mini, ok := Price("openai", "gpt-4.1-mini")
	if !ok || mini.InPerMTok <= 0 || mini.OutPerMTok <= mini.InPerMTok {
		t.Fatalf("gpt-4.1-mini: %+v %v", mini, ok)
	}
	if dated, ok := Price("openai", "gpt-4.1-mini-2025-04-14"); !ok || dated != mini {
		t.Errorf("a dated snapshot did not find its model: %+v %v", dated, ok)
	}
	if routed, ok := Price("litellm-nothing", "openai/gpt-4.1-mini"); !ok || routed != mini {
		t.Errorf("vendor/model did not find the vendor's price: %+v %v", routed, ok)
	}
	if _, ok := Price("openai", "no-such-model"); ok {
		t.Error("an unknown model has a price")
	}
	for _, p := range CatalogProviders() {
		for _, m := range Catalog(p) {
			pr := m.Pricing
			if pr.CachedInPerMTok != 0 && pr.CachedInPerMTok >= pr.InPerMTok {
				t.Errorf("%s/%s: cached price %g not below input %g", p, m.ID, pr.CachedInPerMTok, pr.InPerMTok)
			}
		}
	}
}
