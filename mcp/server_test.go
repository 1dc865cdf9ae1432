package mcp

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/maker-go/maker/runs"
	_ "github.com/maker-go/maker/sqlite" // the test journal
)

func newManager(t *testing.T) *runs.Manager {
	t.Helper()
	mgr, err := runs.New(context.Background(), filepath.Join(t.TempDir(), "j.db"), &runs.Runner{}, runs.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mgr.Shutdown(context.Background()) })
	return mgr
}

func connect(t *testing.T, mgr *runs.Manager) *sdk.ClientSession {
	t.Helper()
	st, ct := sdk.NewInMemoryTransports()
	ss, err := NewServer(mgr, nil).Connect(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, nil).Connect(context.Background(), ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// TestInputSchemas: each tool asks for what it needs and no more, and
// refuses unknown fields, so an agent learns the inputs from the schema.
func TestInputSchemas(t *testing.T) {
	lt, err := connect(t, newManager(t)).ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"plan": {"p", "steps"}, "start_run": {"kind"}, "get_run": {"id"},
		"list_runs": nil, "calibrate": nil, "cancel_run": {"id"}, "resume_run": {"id"}, "replay": {"id"},
		"pending_decisions": nil, "decide": {"id", "approve"},
	}
	for _, tool := range lt.Tools {
		b, _ := json.Marshal(tool.InputSchema)
		var s struct {
			Required             []string        `json:"required"`
			AdditionalProperties json.RawMessage `json:"additionalProperties"`
			Properties           map[string]struct {
				Description string `json:"description"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatal(err)
		}
		req, ok := want[tool.Name]
		if !ok {
			t.Errorf("unexpected tool %s", tool.Name)
			continue
		}
		delete(want, tool.Name)
		if !reflect.DeepEqual(s.Required, req) {
			t.Errorf("%s requires %v, want %v", tool.Name, s.Required, req)
		}
		if string(s.AdditionalProperties) == "" || string(s.AdditionalProperties) == "true" {
			t.Errorf("%s accepts unknown fields: %s", tool.Name, b)
		}
		for name, p := range s.Properties {
			if p.Description == "" {
				t.Errorf("%s: input %s has no description", tool.Name, name)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("tools missing: %v", want)
	}
}

// TestStartRunRefused: a spec the runner refuses is a tool error with
// the runner's words, and nothing is journaled. (A kind outside the
// registry is refused by start_run's schema before that.)
func TestStartRunRefused(t *testing.T) {
	mgr := newManager(t)
	res, err := connect(t, mgr).CallTool(context.Background(), &sdk.CallToolParams{Name: "start_run", Arguments: map[string]any{"kind": "hanoi", "settings": map[string]any{"target": 2}}})
	if err != nil {
		t.Fatal(err)
	}
	text := ""
	for _, c := range res.Content {
		if tc, ok := c.(*sdk.TextContent); ok {
			text += tc.Text
		}
	}
	if !res.IsError || !strings.Contains(text, "target must be between 0 and 1") {
		t.Errorf("start_run hanoi with target 2: error %v %q", res.IsError, text)
	}
	if p, err := mgr.List(context.Background(), runs.Filter{}); err != nil || p.Total != 0 {
		t.Errorf("runs journaled after a refused start: %+v, %v", p, err)
	}
}

// TestHandlerCrossSite: a browser's request from another site is refused,
// and so is a body over MaxBody; a client's (no browser headers) is served.
func TestHandlerCrossSite(t *testing.T) {
	hs := httptest.NewServer(Handler(newManager(t), nil))
	defer hs.Close()
	initialize := func(client string) string {
		return `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"` + client + `","version":"1"}}}`
	}
	for _, c := range []struct {
		name   string
		body   string
		header map[string]string
		want   int
	}{
		{"client", initialize("t"), nil, http.StatusOK},
		{"cross-site fetch", initialize("t"), map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"foreign origin", initialize("t"), map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"too large", initialize(strings.Repeat("x", MaxBody)), nil, http.StatusRequestEntityTooLarge},
	} {
		req, _ := http.NewRequest("POST", hs.URL, strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.want {
			t.Errorf("%s: %d, want %d", c.name, res.StatusCode, c.want)
		}
	}
}
