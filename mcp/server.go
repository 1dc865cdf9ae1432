package mcp

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/maker-go/maker/internal/strictjson"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/runs"
)

// Version is the server version announced to clients.
const Version = "1"

// NewServer is the MCP server of maker: its tools drive mgr.
func NewServer(mgr *runs.Manager, log *slog.Logger) *sdk.Server {
	s := sdk.NewServer(&sdk.Implementation{Name: "maker", Title: "maker: long LLM tasks with zero errors", Version: Version}, &sdk.ServerOptions{
		Instructions: instructions(),
		Logger:       quiet(log),
	})
	t := tools{mgr: mgr}
	sdk.AddTool(s, &sdk.Tool{Name: "plan", Description: planDesc, InputSchema: planSchema()}, exact(t.plan))
	sdk.AddTool(s, &sdk.Tool{Name: "calibrate", Description: calibrateDesc}, exact(t.calibrate))
	sdk.AddTool(s, &sdk.Tool{Name: "start_run", Description: startDesc(), InputSchema: startSchema()}, exact(t.start))
	sdk.AddTool(s, &sdk.Tool{Name: "get_run", Description: getDesc(), OutputSchema: runSchema}, exact(t.get))
	sdk.AddTool(s, &sdk.Tool{Name: "list_runs", Description: listDesc, InputSchema: listInputSchema(), OutputSchema: listSchema}, exact(t.list))
	sdk.AddTool(s, &sdk.Tool{Name: "cancel_run", Description: cancelDesc, OutputSchema: runSchema}, exact(t.cancel))
	sdk.AddTool(s, &sdk.Tool{Name: "resume_run", Description: resumeDesc}, exact(t.resume))
	sdk.AddTool(s, &sdk.Tool{Name: "replay", Description: replayDesc}, exact(t.replay))
	addDecisionTools(s, t)
	s.AddResourceTemplate(&sdk.ResourceTemplate{
		Name: "run", URITemplate: runTemplate, MIMEType: "application/json",
		Description: "a run's state and summary so far, as get_run answers it",
	}, t.runResource)
	return s
}

// exact makes a tool read its arguments strictly (internal/strictjson).
// The SDK checks them against the tool's input schema, which refuses an
// unknown or miscased name, but decodes them letting the last of two equal
// names win; here a name given twice, at any depth, is a tool error that
// names it, so that a call means one thing.
func exact[In, Out any](h sdk.ToolHandlerFor[In, Out]) sdk.ToolHandlerFor[In, Out] {
	return func(ctx context.Context, req *sdk.CallToolRequest, in In) (*sdk.CallToolResult, Out, error) {
		if args := req.Params.Arguments; len(args) > 0 {
			var check In
			if err := strictjson.Unmarshal(args, &check); err != nil {
				var none Out
				return nil, none, fmt.Errorf("arguments: %w", err)
			}
		}
		return h(ctx, req, in)
	}
}

// MaxBody is the largest request body /mcp reads (a task file's text
// included), as for the HTTP API.
const MaxBody = 1 << 20

// Handler serves the MCP server over streamable HTTP. It is stateless:
// every tool answers within its request, so no session outlives a request
// (and none holds a stream open when the service drains). Requests from
// another site are refused.
func Handler(mgr *runs.Manager, log *slog.Logger) http.Handler {
	s := NewServer(mgr, log)
	h := sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return s }, &sdk.StreamableHTTPOptions{
		Stateless:           true,
		Logger:              quiet(log),
		MaxRequestBodyBytes: MaxBody,
		// A client that gives up on a call (get_run waiting) stops it.
		PropagateRequestCancellation: true,
	})
	return http.NewCrossOriginProtection().Handler(h)
}

// tools are the tool handlers: each maps its input to plan or to the
// Manager.
type tools struct{ mgr *runs.Manager }

func (t tools) plan(_ context.Context, _ *sdk.CallToolRequest, in plan.Input) (*sdk.CallToolResult, plan.Plan, error) {
	p, err := plan.Compute(in)
	return nil, p, err
}

// startInput is a run description (runs.Description) with its free-form
// parts as objects, so that the schema tells an agent their shape.
type startInput struct {
	Kind     string                     `json:"kind"`
	Params   map[string]json.RawMessage `json:"params,omitempty"`
	Settings map[string]json.RawMessage `json:"settings,omitempty"`
}

// RunID is the answer of start_run and resume_run.
type RunID struct {
	ID string `json:"id" jsonschema:"the run's id: give it to get_run, cancel_run, resume_run"`
}

func (t tools) start(ctx context.Context, _ *sdk.CallToolRequest, in startInput) (*sdk.CallToolResult, RunID, error) {
	settings, err := runs.SettingsOf(in.Settings)
	if err != nil {
		return nil, RunID{}, err
	}
	d := runs.Spec{Kind: in.Kind, Settings: settings}
	if in.Params != nil {
		b, err := json.Marshal(in.Params)
		if err != nil {
			return nil, RunID{}, fmt.Errorf("params: %w", err)
		}
		d.Params = b
	}
	id, err := t.mgr.Start(ctx, d)
	return nil, RunID{ID: id}, err
}

// runRef names one run.
type runRef struct {
	ID string `json:"id" jsonschema:"the run's id, or a unique prefix of it"`
}

// listInput selects runs.
type listInput struct {
	Status string `json:"status,omitempty" jsonschema:"only runs with this status (see get_run)"`
	Kind   string `json:"kind,omitempty" jsonschema:"only runs of this task kind, e.g. hanoi"`
	Offset int    `json:"offset,omitempty" jsonschema:"runs to skip, for paging"`
	Limit  int    `json:"limit,omitempty" jsonschema:"most runs to return (default 50, at most 1000)"`
}

// RunList is the answer of list_runs.
type RunList struct {
	Runs  []*runs.Info `json:"runs"`
	Total int          `json:"total"`
}

func (t tools) list(ctx context.Context, _ *sdk.CallToolRequest, in listInput) (*sdk.CallToolResult, RunList, error) {
	switch {
	case in.Limit == 0:
		in.Limit = 50
	case in.Limit < 0 || in.Limit > 1000:
		return nil, RunList{}, fmt.Errorf("limit: want 1 to 1000, got %d", in.Limit)
	}
	if in.Offset < 0 {
		return nil, RunList{}, fmt.Errorf("offset: want 0 or more, got %d", in.Offset)
	}
	p, err := t.mgr.List(ctx, runs.Filter{Status: in.Status, Kind: in.Kind, Offset: in.Offset, Limit: in.Limit})
	if err != nil {
		return nil, RunList{Runs: []*runs.Info{}}, err
	}
	return nil, RunList{Runs: p.Runs, Total: p.Total}, nil
}

func (t tools) cancel(ctx context.Context, _ *sdk.CallToolRequest, in runRef) (*sdk.CallToolResult, *runs.Info, error) {
	ctx, stop := context.WithTimeout(ctx, time.Minute)
	defer stop()
	if err := t.mgr.Cancel(ctx, in.ID); err != nil {
		return nil, nil, err
	}
	info, err := t.mgr.Get(ctx, in.ID)
	return nil, info, err
}

// resumeInput is resume_run's input: the run, and budget caps that
// replace its own (runs.Caps).
type resumeInput struct {
	ID              string   `json:"id" jsonschema:"the run's id, or a unique prefix of it"`
	MaxCost         *float64 `json:"max-cost,omitempty" jsonschema:"a new cost cap in USD for the whole run, over all its sessions (0: none)"`
	MaxSamplesTotal *int64   `json:"max-samples-total,omitempty" jsonschema:"a new cap on model calls for the whole run (0: none)"`
	MaxWall         *string  `json:"max-wall,omitempty" jsonschema:"a new cap on the whole run's wall time, a duration such as 2h (0s: none)"`
}

func (t tools) resume(ctx context.Context, _ *sdk.CallToolRequest, in resumeInput) (*sdk.CallToolResult, RunID, error) {
	caps := &runs.Caps{MaxCostUSD: in.MaxCost, MaxSamplesTotal: in.MaxSamplesTotal, MaxWall: in.MaxWall}
	id, err := t.mgr.ResumeWith(ctx, in.ID, caps)
	return nil, RunID{ID: id}, err
}

// planSchema is plan.Input's schema with what an agent needs to fill it:
// only p and steps are required, each field says what it means.
func planSchema() *jsonschema.Schema {
	s, err := jsonschema.For[plan.Input](nil)
	if err != nil {
		panic(err) // a fixed type: fails in every test or never
	}
	s.Required = []string{"p", "steps"}
	for name, d := range map[string]string{
		"p":                "probability that one valid sample of the model decides one step right (measure it with calibrate), e.g. 0.998",
		"steps":            "number of steps in the task (2^n-1 for n-disk Towers of Hanoi)",
		"target":           "required probability that the whole task succeeds (default 0.95)",
		"m":                "steps per model call (default 1: one call per step)",
		"v":                "share of samples that pass the red flags (default 1)",
		"prices":           "the model's prices in USD per million tokens (in, out, cached_in); zero costs nothing",
		"in_tokens":        "mean input tokens per call",
		"out_tokens":       "mean output tokens per call",
		"cached_in_tokens": "mean cached input tokens per call",
		"latency_seconds":  "seconds one call takes (its 90th percentile); 0 leaves the wall time out",
		"latency_spread":   "sigma of the log-normal latency the wall time with and without speculation assumes (default 0.3)",
		"concurrency":      "most calls in flight (default k_min)",
		"rounds":           "rows of the undecided-steps table (default: until under 0.01 steps)",
		"hard_share":       "share of the steps that are hard (calibrate's hard_steps.share); p is then the other steps' p (default 0: one p for every step)",
		"hard_p":           "p of a valid vote on a hard step (calibrate's hard_steps.p), with hard_share",
	} {
		if p := s.Properties[name]; p != nil {
			p.Description = d
		}
	}
	return s
}
