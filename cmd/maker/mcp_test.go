package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/mcp"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/server"
)

// mcpTools are the tools every maker MCP server lists.
var mcpTools = []string{"calibrate", "cancel_run", "decide", "get_run", "list_runs", "pending_decisions", "plan", "replay", "resume_run", "start_run"}

// newTestManager is a Manager over a fresh journal with the command
// line's builder, drained at the end of the test.
func newTestManager(t *testing.T) *runs.Manager {
	t.Helper()
	mgr, err := runs.New(context.Background(), filepath.Join(t.TempDir(), "j.db"), &runs.Runner{}, runs.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mgr.Shutdown(context.Background()) })
	return mgr
}

// callTool calls a tool and returns its result, failing on a protocol
// error (a tool's own error is the result's IsError).
func callTool(t *testing.T, s *sdk.ClientSession, name string, args any) *sdk.CallToolResult {
	t.Helper()
	res, err := s.CallTool(context.Background(), &sdk.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res
}

// structured decodes a successful result's structured content into v.
func structured(t *testing.T, name string, res *sdk.CallToolResult, v any) {
	t.Helper()
	if res.IsError {
		t.Fatalf("%s: tool error: %s", name, resultText(res))
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: structured content %s: %v", name, b, err)
	}
}

func resultText(res *sdk.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*sdk.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// exerciseMCP drives a connected session through what an agent does:
// list the tools, plan, start a simulated run, poll it to the end, and
// the errors of bad calls.
func exerciseMCP(t *testing.T, s *sdk.ClientSession) {
	ctx := context.Background()
	lt, err := s.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range lt.Tools {
		names = append(names, tool.Name)
		if tool.Description == "" || tool.InputSchema == nil {
			t.Errorf("tool %s has no description or input schema", tool.Name)
		}
	}
	slices.Sort(names)
	if !reflect.DeepEqual(names, mcpTools) {
		t.Errorf("tools = %v, want %v", names, mcpTools)
	}

	// plan answers what the plan package computes.
	in := plan.Input{P: 0.998, Steps: 1023, Target: 0.99, Prices: plan.Prices{InPerMTok: 0.4, OutPerMTok: 1.6}, InTokens: 600, OutTokens: 540}
	var got plan.Plan
	structured(t, "plan", callTool(t, s, "plan", in), &got)
	want, err := plan.Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	if got.KMin != want.KMin || got.PFull != want.PFull || got.ExpectedSamples != want.ExpectedSamples || got.ExpectedCostUSD != want.ExpectedCostUSD {
		t.Errorf("plan = k_min %d p_full %g samples %g cost %g, want %d %g %g %g", got.KMin, got.PFull, got.ExpectedSamples, got.ExpectedCostUSD, want.KMin, want.PFull, want.ExpectedSamples, want.ExpectedCostUSD)
	}

	// calibrate measures the simulator's error rate and plans at it.
	var cal struct {
		Samples       int `json:"samples"`
		Simulated     bool
		VoteErrorRate struct {
			Value, Lo, Hi float64
		} `json:"vote_error_rate"`
		Plan *plan.Plan `json:"plan"`
	}
	structured(t, "calibrate", callTool(t, s, "calibrate", map[string]any{"samples": 600, "sim_error": 0.05, "disks": 8}), &cal)
	if r := cal.VoteErrorRate; cal.Samples != 600 || !cal.Simulated || r.Lo > 0.05 || r.Hi < 0.02 || cal.Plan == nil || cal.Plan.P != 1-r.Value || cal.Plan.Steps != 255 {
		t.Errorf("calibrate = %+v, want 600 simulated samples, an interval near 0.05 and the plan for 255 steps at its rate", cal)
	}

	// Bad calls are tool errors that name what is wrong.
	for _, c := range []struct {
		tool string
		args any
		want string
	}{
		{"plan", map[string]any{"p": 1.5, "steps": 10}, "p"},
		{"plan", map[string]any{"p": 0.99}, "steps"},
		{"plan", map[string]any{"p": 0.99, "steps": 10, "stpes": 3}, "stpes"},
		{"start_run", map[string]any{"kind": "chess"}, "chess"},
		{"start_run", map[string]any{"kind": "hanoi", "params": map[string]any{"disks": 5}, "settings": map[string]any{"api-key-env": "HOME"}}, "api-key-env"},
		{"get_run", map[string]any{"id": "ffffffff"}, "ffffffff"},
		{"calibrate", map[string]any{"samples": 100000}, "samples"},
		{"calibrate", map[string]any{"model": "nosuch/model"}, "nosuch"},
		// Names are exact and given once, at any depth.
		{"plan", json.RawMessage(`{"p":0.99,"steps":10,"steps":1048575}`), "steps: duplicate field"},
		{"start_run", json.RawMessage(`{"kind":"hanoi","params":{"disks":3,"disks":20}}`), "params.disks: duplicate field"},
		{"start_run", json.RawMessage(`{"kind":"hanoi","settings":{"k":1,"k":9}}`), "settings.k: duplicate field"},
		{"start_run", map[string]any{"kind": "hanoi", "params": map[string]any{"disks": 3, "Disks": 20}}, "Disks: unknown field"},
		{"get_run", json.RawMessage(`{"id":"ffffffff","id":"0"}`), "id: duplicate field"},
	} {
		res := callTool(t, s, c.tool, c.args)
		if !res.IsError || !strings.Contains(resultText(res), c.want) {
			args, _ := json.Marshal(c.args)
			t.Errorf("%s %s: error %v %q, want an error naming %q", c.tool, args, res.IsError, resultText(res), c.want)
		}
	}

	// A simulated run, followed with get_run until it ends.
	var id mcp.RunID
	structured(t, "start_run", callTool(t, s, "start_run", map[string]any{
		"kind": "hanoi", "params": map[string]any{"disks": 6}, "settings": map[string]any{"k": 2, "sim-error": 0.05, "seed": 4},
	}), &id)
	if id.ID == "" {
		t.Fatal("start_run: no id")
	}
	var info struct {
		ID         string         `json:"id"`
		Status     string         `json:"status"`
		Steps      int            `json:"steps"`
		TotalSteps int            `json:"total_steps"`
		Progress   float64        `json:"progress"`
		Summary    *maker.Summary `json:"summary"`
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		structured(t, "get_run", callTool(t, s, "get_run", map[string]any{"id": id.ID}), &info)
		if info.Status != maker.StatusRunning || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if info.ID != id.ID || info.Status != maker.StatusDone || info.Steps != 63 || info.TotalSteps != 63 || info.Progress != 1 || info.Summary == nil || info.Summary.Steps != 63 {
		t.Errorf("get_run = %+v, want run %s done with 63 of 63 steps and its summary", info, id.ID)
	}

	// replay re-decides the committed steps; the run is a resource too.
	var rep struct {
		Steps, Same, Different, Undecided int
	}
	structured(t, "replay", callTool(t, s, "replay", map[string]any{"id": id.ID, "k": 1}), &rep)
	if rep.Steps != 63 || rep.Same+rep.Different+rep.Undecided != 63 {
		t.Errorf("replay = %+v, want 63 steps accounted for", rep)
	}
	rr, err := s.ReadResource(ctx, &sdk.ReadResourceParams{URI: "maker://runs/" + id.ID})
	if err != nil || len(rr.Contents) != 1 || !strings.Contains(rr.Contents[0].Text, `"status":"done"`) {
		t.Errorf("resource maker://runs/%s: %v %+v", id.ID, err, rr)
	}
	if _, err := s.ReadResource(ctx, &sdk.ReadResourceParams{URI: "maker://runs/ffffffff"}); err == nil {
		t.Error("resource of no run: no error")
	}

	var list mcp.RunList
	structured(t, "list_runs", callTool(t, s, "list_runs", map[string]any{"kind": "hanoi"}), &list)
	if list.Total != 1 || len(list.Runs) != 1 || list.Runs[0].ID != id.ID {
		t.Errorf("list_runs = %d runs, total %d, want run %s", len(list.Runs), list.Total, id.ID)
	}
	for _, tool := range []string{"cancel_run", "resume_run"} {
		if res := callTool(t, s, tool, map[string]any{"id": id.ID}); !res.IsError {
			t.Errorf("%s of a finished run: no error", tool)
		}
	}
}

// TestMCPInMemory drives the tools with the Go SDK's client, in memory.
func TestMCPInMemory(t *testing.T) {
	ctx := context.Background()
	st, ct := sdk.NewInMemoryTransports()
	srv := mcp.NewServer(newTestManager(t), nil)
	ss, err := srv.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	exerciseMCP(t, cs)
}

// bearer adds a token to every request.
type bearer struct {
	token string
	rt    http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.rt.RoundTrip(r)
}

// TestMCPHTTP drives /mcp of the service with the Go SDK's streamable
// HTTP client, behind the service's token.
func TestMCPHTTP(t *testing.T) {
	const token = "0123456789abcdef-mcp"
	hs := httptest.NewServer(server.New(server.Config{Manager: newTestManager(t), Token: token}))
	defer hs.Close()
	ctx := context.Background()

	// Without the token: refused.
	resp, err := http.Post(hs.URL+"/mcp", "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("/mcp without the token: %d, want 401", resp.StatusCode)
	}

	tr := &sdk.StreamableClientTransport{Endpoint: hs.URL + "/mcp", HTTPClient: &http.Client{Transport: bearer{token, http.DefaultTransport}}}
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	exerciseMCP(t, cs)
}

// TestMCPWaitProgress: get_run with wait_seconds answers once the run has
// ended, with progress notifications while it runs.
func TestMCPWaitProgress(t *testing.T) {
	ctx := context.Background()
	st, ct := sdk.NewInMemoryTransports()
	ss, err := mcp.NewServer(newTestManager(t), nil).Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	progress := make(chan *sdk.ProgressNotificationParams, 1000)
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, &sdk.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, r *sdk.ProgressNotificationClientRequest) {
			select {
			case progress <- r.Params:
			default:
			}
		},
	}).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	var id mcp.RunID
	structured(t, "start_run", callTool(t, cs, "start_run", map[string]any{
		"kind": "hanoi", "params": map[string]any{"disks": 8}, "settings": map[string]any{"sim-latency": "2ms"},
	}), &id)
	params := &sdk.CallToolParams{Name: "get_run", Arguments: map[string]any{"id": id.ID, "wait_seconds": 120}}
	params.SetProgressToken("p1")
	res, err := cs.CallTool(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Status string `json:"status"`
		Steps  int    `json:"steps"`
	}
	structured(t, "get_run", res, &info)
	if info.Status != maker.StatusDone || info.Steps != 255 {
		t.Errorf("get_run after waiting = %+v, want done with 255 steps", info)
	}
	// Notifications may be handled just after the answer: wait a little
	// for the last one.
	n, lastStep := 0, 0.0
	timeout := time.After(5 * time.Second)
wait:
	for lastStep < 255 {
		select {
		case p := <-progress:
			n++
			if p.ProgressToken != "p1" || p.Total != 255 || p.Progress < lastStep {
				t.Errorf("progress %+v after step %g", p, lastStep)
			}
			lastStep = p.Progress
		case <-timeout:
			break wait
		}
	}
	if n < 2 || lastStep != 255 {
		t.Errorf("%d progress notifications, the last at step %g: want several, the last at 255", n, lastStep)
	}
}

// TestMCPStdioBadLines: over stdio, a line that is not one JSON-RPC
// message is answered with a JSON-RPC error and the session goes on: the
// next request still gets its answer. A line over mcp.MaxLine is refused
// the same way, whatever it holds.
func TestMCPStdioBadLines(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	root := newRoot(outW, io.Discard)
	root.SetIn(inR)
	root.SetArgs([]string{"mcp", "--db", filepath.Join(t.TempDir(), "j.db")})
	done := make(chan error, 1)
	go func() {
		err := root.ExecuteContext(context.Background())
		inR.Close()
		outW.Close()
		done <- err
	}()
	answers := make(chan map[string]any)
	go func() {
		defer close(answers)
		sc := bufio.NewScanner(outR)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Errorf("answer %.200s: not JSON: %v", sc.Bytes(), err)
				continue
			}
			if _, ok := m["method"]; !ok { // notifications are not answers
				answers <- m
			}
		}
	}()
	send := func(line string) {
		t.Helper()
		if _, err := io.WriteString(inW, line+"\n"); err != nil {
			t.Fatalf("writing %.60s: %v (the session is over)", line, err)
		}
	}
	answer := func(what string) map[string]any {
		t.Helper()
		select {
		case m, ok := <-answers:
			if !ok {
				t.Fatalf("%s: no answer: the session ended", what)
			}
			return m
		case <-time.After(time.Minute):
			t.Fatalf("%s: no answer in a minute", what)
		}
		return nil
	}

	send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`)
	if m := answer("initialize"); m["result"] == nil {
		t.Fatalf("initialize: %v", m)
	}
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)

	long := `{"jsonrpc":"2.0","id":77,"method":"ping","params":{"pad":"` + strings.Repeat("x", mcp.MaxLine) + `"}}`
	for i, c := range []struct {
		name, line string
		code       float64
		id         any
	}{
		{"garbage", "garbage", -32700, nil},
		{"cut short", `{"jsonrpc":"2.0","id":5,"method":"ping"`, -32700, nil},
		{"two values on a line", `{"jsonrpc":"2.0","id":6,"method":"ping"} {}`, -32700, nil},
		{"over the line limit", long, -32700, nil},
		{"a number", "42", -32600, nil},
		{"a batch", `[{"jsonrpc":"2.0","id":8,"method":"ping"}]`, -32600, nil},
		{"an empty batch", `[]`, -32600, nil},
		{"wrong version", `{"jsonrpc":"1.0","id":9,"method":"ping"}`, -32600, 9.0},
		{"an object id", `{"jsonrpc":"2.0","id":{},"method":"ping"}`, -32600, nil},
	} {
		send(c.line)
		m := answer(c.name)
		e, _ := m["error"].(map[string]any)
		if e == nil || e["code"] != c.code || m["id"] != c.id || m["jsonrpc"] != "2.0" {
			t.Errorf("%s: answer %.300v, want error %g with id %v", c.name, m, c.code, c.id)
		}
		id := 100 + i
		send(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"ping"}`, id))
		if m := answer(c.name + ", then a ping"); m["id"] != float64(id) || m["result"] == nil {
			t.Errorf("ping after %s: %v, want the answer to id %d", c.name, m, id)
		}
	}

	// A tool's arguments are read strictly: a name given twice is a tool
	// error naming it.
	send(`{"jsonrpc":"2.0","id":200,"method":"tools/call","params":{"name":"plan","arguments":{"p":0.99,"steps":10,"steps":1048575}}}`)
	m := answer("plan with steps twice")
	res, _ := m["result"].(map[string]any)
	if b, _ := json.Marshal(res); res == nil || res["isError"] != true || !strings.Contains(string(b), "steps: duplicate field") {
		t.Errorf("plan with steps twice: %v, want a tool error naming steps", m)
	}

	inW.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("maker mcp: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("maker mcp did not end when its input did")
	}
}
