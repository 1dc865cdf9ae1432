package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
)

// replayInput asks to re-decide a run's committed steps with another k.
type replayInput struct {
	ID    string `json:"id" jsonschema:"the run's id, or a unique prefix of it"`
	K     int    `json:"k,omitempty" jsonschema:"the vote margin to re-decide with (0: each step's own)"`
	Limit int    `json:"limit,omitempty" jsonschema:"most changed steps to list (default 20, at most 1000)"`
}

func (t tools) replay(ctx context.Context, _ *sdk.CallToolRequest, in replayInput) (*sdk.CallToolResult, *maker.RunReplay, error) {
	switch {
	case in.K < 0 || in.K > 1000:
		return nil, nil, fmt.Errorf("k: want 0 to 1000, got %d", in.K)
	case in.Limit == 0:
		in.Limit = 20
	case in.Limit < 0 || in.Limit > 1000:
		return nil, nil, fmt.Errorf("limit: want 1 to 1000, got %d", in.Limit)
	}
	rep, err := maker.ReplayRun(ctx, t.mgr.DB(), in.ID, in.K, in.Limit)
	return nil, rep, err
}

const replayDesc = `Re-decide every committed step of a run with another vote margin k, without calling a
model (free): how many steps come out the same, how many would pick another answer, and how
many the recorded votes cannot decide. A smaller k that changes nothing would have been
cheaper; a larger k that changes steps shows where the run was fragile.`

// runTemplate is the resource of one run: what get_run answers.
const runTemplate = "maker://runs/{id}"

func (t tools) runResource(ctx context.Context, req *sdk.ReadResourceRequest) (*sdk.ReadResourceResult, error) {
	id, ok := strings.CutPrefix(req.Params.URI, "maker://runs/")
	if !ok || id == "" || strings.Contains(id, "/") {
		return nil, sdk.ResourceNotFoundError(req.Params.URI)
	}
	info, err := t.mgr.Get(ctx, id)
	if errors.Is(err, runs.ErrNotFound) {
		return nil, sdk.ResourceNotFoundError(req.Params.URI)
	}
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(info)
	if err != nil {
		return nil, err
	}
	return &sdk.ReadResourceResult{Contents: []*sdk.ResourceContents{{URI: req.Params.URI, MIMEType: "application/json", Text: string(b)}}}, nil
}
