package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/plan"
)

// mcpInspector is the independent MCP client: the MCP Inspector's command
// line (npm @modelcontextprotocol/inspector), installed by
// .ci/setup.d/mcp-inspector.sh.
const mcpInspector = "../../.cache/npm/node_modules/.bin/mcp-inspector"

// inspector runs the Inspector's CLI mode against target (a command line
// for stdio, or a URL and its flags) and decodes the JSON it prints.
type inspector struct {
	bin, home string
	target    []string
}

func newInspector(t *testing.T, target ...string) *inspector {
	t.Helper()
	bin, err := filepath.Abs(mcpInspector)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skipf("the MCP Inspector cannot run: node is not installed (%v): run .ci/setup.d/mcp-inspector.sh", err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("the MCP Inspector (npm @modelcontextprotocol/inspector) is not installed (%v): run .ci/setup.d/mcp-inspector.sh", err)
	}
	return &inspector{bin: bin, home: t.TempDir(), target: target}
}

// call runs one method and decodes its result into v; it returns the
// tool's error flag.
func (in *inspector) call(t *testing.T, v any, args ...string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	argv := append([]string{"--cli", "--format", "json", "-q"}, in.target...)
	c := exec.CommandContext(ctx, in.bin, append(argv, args...)...)
	// The Inspector keeps a catalog and client state under HOME: the
	// test's own.
	c.Env = append(os.Environ(), "HOME="+in.home, "MCP_CATALOG_PATH="+filepath.Join(in.home, "mcp.json"), "XDG_DATA_HOME="+in.home)
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	// Exit status 5 is the Inspector's "the tool returned isError".
	var ee *exec.ExitError
	if err := c.Run(); err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 5) {
		t.Fatalf("mcp-inspector %v: %v\nstdout: %s\nstderr: %s", args, err, stdout.String(), stderr.String())
	}
	var out struct {
		Result struct {
			IsError           bool            `json:"isError"`
			StructuredContent json.RawMessage `json:"structuredContent"`
			Content           []struct {
				Text string `json:"text"`
			} `json:"content"`
		} `json:"result"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("mcp-inspector %v: %v\n%s", args, err, stdout.String())
	}
	if out.Result.IsError {
		return true
	}
	raw := out.Result.StructuredContent
	if raw == nil {
		// tools/list: the result itself.
		var whole struct {
			Result json.RawMessage `json:"result"`
		}
		_ = json.Unmarshal(stdout.Bytes(), &whole)
		raw = whole.Result
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("mcp-inspector %v: %v\n%s", args, err, stdout.String())
	}
	return false
}

func (in *inspector) tool(t *testing.T, v any, name, args string) bool {
	t.Helper()
	return in.call(t, v, "--method", "tools/call", "--tool-name", name, "--tool-args-json", args)
}

// inspectMaker does through the Inspector what an agent does: list the
// tools, plan, start a simulated run and poll get_run until it is done.
func inspectMaker(t *testing.T, in *inspector) {
	var list struct {
		Tools []struct {
			Name        string          `json:"name"`
			InputSchema json.RawMessage `json:"inputSchema"`
		} `json:"tools"`
	}
	in.call(t, &list, "--method", "tools/list")
	var names []string
	for _, tool := range list.Tools {
		names = append(names, tool.Name)
	}
	slices.Sort(names)
	if !reflect.DeepEqual(names, mcpTools) {
		t.Errorf("tools/list = %v, want %v", names, mcpTools)
	}

	pin := plan.Input{P: 0.9978, Steps: 1048575, Prices: plan.Prices{InPerMTok: 0.4, OutPerMTok: 1.6}, InTokens: 600, OutTokens: 538}
	want, err := plan.Compute(pin)
	if err != nil {
		t.Fatal(err)
	}
	args, _ := json.Marshal(pin)
	var got plan.Plan
	if in.tool(t, &got, "plan", string(args)) {
		t.Fatal("plan: tool error")
	}
	if got.KMin != want.KMin || got.PFull != want.PFull || got.ExpectedSamples != want.ExpectedSamples || got.ExpectedCostUSD != want.ExpectedCostUSD {
		t.Errorf("plan = k_min %d p_full %g samples %g cost %g, want %d %g %g %g", got.KMin, got.PFull, got.ExpectedSamples, got.ExpectedCostUSD, want.KMin, want.PFull, want.ExpectedSamples, want.ExpectedCostUSD)
	}
	if !in.tool(t, &got, "plan", `{"p": 2, "steps": 10}`) {
		t.Error("plan with p = 2: no tool error")
	}

	var id struct {
		ID string `json:"id"`
	}
	if in.tool(t, &id, "start_run", `{"kind":"hanoi","params":{"disks":7},"settings":{"k":2,"sim-error":0.05,"seed":9}}`) || id.ID == "" {
		t.Fatalf("start_run: no id")
	}
	var info struct {
		Status     string         `json:"status"`
		Steps      int            `json:"steps"`
		TotalSteps int            `json:"total_steps"`
		Summary    *maker.Summary `json:"summary"`
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if in.tool(t, &info, "get_run", `{"id":"`+id.ID+`"}`) {
			t.Fatal("get_run: tool error")
		}
		if info.Status != maker.StatusRunning || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if info.Status != maker.StatusDone || info.Steps != 127 || info.TotalSteps != 127 || info.Summary == nil || info.Summary.Steps != 127 {
		t.Errorf("get_run = %+v, want done with 127 of 127 steps", info)
	}
}

// TestMCPInspectorStdio drives `maker mcp` with the MCP Inspector over
// stdio. Each Inspector call starts its own `maker mcp`, as an agent
// restarting would: a run that one process leaves unfinished, the next
// resumes from the journal.
func TestMCPInspectorStdio(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node")
	}
	db := filepath.Join(t.TempDir(), "j.db")
	in := newInspector(t)
	in.target = []string{"-e", "XDG_DATA_HOME=" + in.home, buildMaker(t), "mcp", "--db", db}
	inspectMaker(t, in)
}

// TestMCPInspectorHTTP drives `maker serve`'s /mcp with the MCP Inspector
// over streamable HTTP, with the service's bearer token.
func TestMCPInspectorHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node")
	}
	in := newInspector(t)
	const token = "tok-mcp-0123456789abcdef"
	p := startServe(t, buildMaker(t), []string{"MAKER_TEST_TOKEN=" + token}, "--db", filepath.Join(t.TempDir(), "j.db"), "--token-env", "MAKER_TEST_TOKEN")
	in.target = []string{p.url + "/mcp", "--transport", "http", "--header", "Authorization: Bearer " + token}
	inspectMaker(t, in)
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-p.done; err != nil {
		t.Errorf("maker serve after SIGTERM: %v\n%s", err, p.out())
	}
	if strings.Contains(p.out(), token) {
		t.Error("the token appears in the service's output")
	}
}
