package mcp

import (
	"context"
	"fmt"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/maker-go/maker/runs"
)

// maxWait bounds how long get_run waits for a run to end: a client's
// request timeout is usually about this.
const maxWait = 600

// getInput names a run and how long to wait for it to end.
type getInput struct {
	ID          string  `json:"id" jsonschema:"the run's id, or a unique prefix of it"`
	WaitSeconds float64 `json:"wait_seconds,omitempty" jsonschema:"wait up to this many seconds (at most 600) for the run to end before answering, with a progress notification as its steps are decided; 0 answers at once"`
}

// progressEvery spaces progress notifications: a simulated run decides
// thousands of steps a second.
const progressEvery = 250 * time.Millisecond

// follow waits until run id is not running here or ctx ends, sending the
// caller progress notifications (when it asked for them with a progress
// token) as steps are decided.
func (t tools) follow(ctx context.Context, req *sdk.CallToolRequest, id string) error {
	info, err := t.mgr.Get(ctx, id)
	if err != nil {
		return err
	}
	steps, err := t.mgr.Watch(ctx, info.ID, info.Steps)
	if err != nil {
		return err
	}
	var token any
	if req != nil && req.Params != nil {
		token = req.Params.GetProgressToken()
	}
	var last time.Time
	for ev := range steps {
		if token == nil || req.Session == nil || time.Since(last) < progressEvery && ev.Step != ev.Total {
			continue
		}
		last = time.Now()
		_ = req.Session.NotifyProgress(ctx, &sdk.ProgressNotificationParams{
			ProgressToken: token, Progress: float64(ev.Step), Total: float64(ev.Total),
			Message: fmt.Sprintf("step %d of %d decided", ev.Step, ev.Total),
		})
	}
	return nil
}

func (t tools) get(ctx context.Context, req *sdk.CallToolRequest, in getInput) (*sdk.CallToolResult, *runs.Info, error) {
	if in.WaitSeconds < 0 || in.WaitSeconds > maxWait {
		return nil, nil, fmt.Errorf("wait_seconds: want 0 to %d, got %g", maxWait, in.WaitSeconds)
	}
	if in.WaitSeconds > 0 {
		wctx, cancel := context.WithTimeout(ctx, time.Duration(in.WaitSeconds*float64(time.Second)))
		err := t.follow(wctx, req, in.ID)
		cancel()
		if err != nil {
			return nil, nil, err
		}
	}
	info, err := t.mgr.Get(ctx, in.ID)
	return nil, info, err
}
