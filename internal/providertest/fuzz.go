package providertest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/provider"
)

// BodyServer is a local server that answers every request with the body
// set last, so that a fuzz target can send arbitrary bytes through an
// adapter's whole decoding path: the SDK's JSON decoding, the usage check
// and the split into responses.
type BodyServer struct {
	*httptest.Server
	mu   sync.Mutex
	body []byte
}

// NewBodyServer starts a BodyServer, closed when tb ends.
func NewBodyServer(tb testing.TB) *BodyServer {
	s := &BodyServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.mu.Lock()
		b := s.body
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}))
	tb.Cleanup(s.Close)
	return s
}

// Set makes b the body of every answer from now on.
func (s *BodyServer) Set(b []byte) {
	s.mu.Lock()
	s.body = b
	s.mu.Unlock()
}

// CheckDecoded fails t when what an adapter made of an arbitrary body
// breaks what the engine relies on: an error says something and shows no
// key; a success is n responses whose token counts can make a cost neither
// negative nor overflowing.
func CheckDecoded(t *testing.T, rs []maker.Response, err error, n int, key string) {
	t.Helper()
	if err != nil {
		if strings.TrimSpace(err.Error()) == "" {
			t.Fatal("an error without words")
		}
		AssertNoKey(t, err, key)
		return
	}
	if len(rs) != n {
		t.Fatalf("%d responses, want %d", len(rs), n)
	}
	for i, r := range rs {
		if r.InputTokens < 0 || r.CachedInputTokens < 0 || r.OutputTokens < 0 ||
			r.InputTokens > 3*provider.MaxTokenCount || r.OutputTokens > provider.MaxTokenCount || r.CachedInputTokens > r.InputTokens {
			t.Fatalf("response %d has impossible usage: %+v", i, r)
		}
	}
}
