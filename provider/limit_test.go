package provider

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

// pace is one call of a Pacer's Wait.
type pace struct {
	key      string
	rpm, tpm float64
	tokens   int
}

// fakePacer records its calls and fails with errs, one per call, first.
type fakePacer struct {
	mu    sync.Mutex
	paces []pace
	errs  []error
}

func (p *fakePacer) Wait(_ context.Context, key string, rpm, tpm float64, tokens int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paces = append(p.paces, pace{key, rpm, tpm, tokens})
	if len(p.errs) > 0 {
		err := p.errs[0]
		p.errs = p.errs[1:]
		return err
	}
	return nil
}

// TestOpenPaces opens models through Open with and without a shared pacer
// and checks who keeps the limits: a pacer in the Transport is asked once
// per attempt, retries included, under the model's name and endpoint
// without credentials, with the request's token estimate; without one the
// process's own limiter paces the requests.
func TestOpenPaces(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	req := maker.Request{Prompt: maker.Prompt{User: strings.Repeat("word ", 40)}, MaxTokens: 300}
	tests := []struct {
		name      string
		transport maker.Transport
		pacer     *fakePacer
		baseURL   string
		calls     int     // Generate calls made
		fails     int     // the bare model fails with a 503 this many times first
		paces     int     // Wait calls wanted
		reach     int     // calls that reach the bare model
		key       string  // the budget's name wanted
		err       string  // the first error wanted, if any
		slower    float64 // the calls take at least this many seconds
	}{
		{name: "each attempt is paced", transport: maker.Transport{RPM: 600, Retries: 2, RetryWait: time.Millisecond},
			pacer: &fakePacer{}, baseURL: "https://api.example.com/v1", calls: 1, fails: 2, paces: 3, reach: 3,
			key: "acme/m https://api.example.com/v1"},
		{name: "tokens alone are paced", transport: maker.Transport{TPM: 9000}, pacer: &fakePacer{},
			baseURL: "http://127.0.0.1:8080/v1", calls: 4, paces: 4, reach: 4, key: "acme/m http://127.0.0.1:8080/v1"},
		{name: "no limit asks no pacer", transport: maker.Transport{}, pacer: &fakePacer{}, calls: 2, reach: 2},
		{name: "no credential in the key", transport: maker.Transport{RPM: 60}, pacer: &fakePacer{},
			baseURL: "https://bob:hunter2@llm.example.com/v1?api_key=sk-123&region=eu", calls: 1, paces: 1, reach: 1,
			key: "acme/m https://bob:[redacted]@llm.example.com/v1?api_key=[redacted]&region=eu"},
		{name: "a lost pacer connection is retried", transport: maker.Transport{RPM: 60, Retries: 3, RetryWait: time.Millisecond},
			pacer: &fakePacer{errs: []error{refused}}, calls: 1, paces: 2, reach: 1, key: "acme/m "},
		{name: "a pacer's other error fails the call", transport: maker.Transport{RPM: 60, Retries: 3, RetryWait: time.Millisecond},
			pacer: &fakePacer{errs: []error{errors.New("journal: opened read-only")}}, calls: 1, paces: 1, reach: 0,
			key: "acme/m ", err: "read-only"},
		// 600 a minute in-process is a burst of 10, then one every 100ms.
		{name: "without a pacer the process paces", transport: maker.Transport{RPM: 600}, calls: 13, reach: 13, slower: 0.25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{}
			for range tt.fails {
				s.errs = append(s.errs, HTTPError(Info{Provider: "acme", Model: "m"}, 503, nil, ""))
			}
			tr := tt.transport
			if tt.pacer != nil {
				tr.Pacer = tt.pacer
			}
			m, err := Open(callModel(s.call), maker.ModelSpec{Name: "acme/m", Transport: tr}, Info{Provider: "acme", Model: "m", BaseURL: tt.baseURL})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			for range tt.calls {
				if _, err = m.Generate(context.Background(), req); err != nil {
					break
				}
			}
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
			if el := time.Since(start).Seconds(); el < tt.slower {
				t.Errorf("%d calls took %.3fs, want at least %gs", tt.calls, el, tt.slower)
			}
			if s.calls != tt.reach {
				t.Errorf("%d calls reached the model, want %d", s.calls, tt.reach)
			}
			if tt.pacer == nil {
				return
			}
			if len(tt.pacer.paces) != tt.paces {
				t.Fatalf("the pacer was asked %d times, want %d", len(tt.pacer.paces), tt.paces)
			}
			for _, p := range tt.pacer.paces {
				want := pace{tt.key, tr.RPM, tr.TPM, EstimateTokens(req, 1)}
				if p != want {
					t.Errorf("Wait(%+v), want %+v", p, want)
				}
			}
		})
	}
}
