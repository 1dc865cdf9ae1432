package mcp

import (
	"context"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
)

const pendingDesc = `List the decisions runs wait for from a person (status waiting): an action to approve
before it is carried out (kind approve, with the action and the state it leads to), or a step
without consensus (kind ask, with its candidates, most votes first). With an id, every decision
of that run, answered or not, with who answered, when and why. Show them to the user; answer
with decide only as the user says.`

const decideDesc = `Answer a waiting run's decision as the user says: approve true lets it carry out the
action shown (or, for a step without consensus, takes candidate pick, 1-based, or the answer
written in the task's format); approve false rejects it, and the run stops, failed, with the
reason (required) journaled. step names the decision when the run waits for more than one.
Never answer on the user's behalf without being told to.`

// addDecisionTools adds the tools of a run's human decisions.
func addDecisionTools(s *sdk.Server, t tools) {
	sdk.AddTool(s, &sdk.Tool{Name: "pending_decisions", Description: pendingDesc}, exact(t.pending))
	sdk.AddTool(s, &sdk.Tool{Name: "decide", Description: decideDesc}, exact(t.decide))
}

// pendingInput is pending_decisions' input.
type pendingInput struct {
	ID string `json:"id,omitempty" jsonschema:"a run's id (or a unique prefix): all its decisions; none: every run's pending ones"`
}

// Decisions is pending_decisions' answer.
type Decisions struct {
	Decisions []*maker.PendingDecision `json:"decisions"`
}

func (t tools) pending(ctx context.Context, _ *sdk.CallToolRequest, in pendingInput) (*sdk.CallToolResult, Decisions, error) {
	ds, err := t.mgr.Decisions(ctx, in.ID)
	return nil, Decisions{Decisions: ds}, err
}

// decideInput is decide's input.
type decideInput struct {
	ID      string `json:"id" jsonschema:"the run's id, or a unique prefix of it"`
	Approve bool   `json:"approve" jsonschema:"true to approve (or take the pick or answer), false to reject"`
	Step    int    `json:"step,omitempty" jsonschema:"the 1-based step whose decision is answered (default: the run's only pending one)"`
	Pick    int    `json:"pick,omitempty" jsonschema:"for a step without consensus: the 1-based candidate to take"`
	Answer  string `json:"answer,omitempty" jsonschema:"for a step without consensus: an answer in the task's answer format"`
	Reason  string `json:"reason,omitempty" jsonschema:"why; required to reject"`
	By      string `json:"by,omitempty" jsonschema:"who answers (default: mcp)"`
}

// Decided is decide's answer: the decision as answered.
type Decided struct {
	Decision *maker.PendingDecision `json:"decision"`
}

func (t tools) decide(ctx context.Context, _ *sdk.CallToolRequest, in decideInput) (*sdk.CallToolResult, Decided, error) {
	by := in.By
	if by == "" {
		by = "mcp"
	}
	d, err := t.mgr.Decide(ctx, in.ID, in.Approve, runs.Answer{Step: in.Step, Pick: in.Pick, Text: in.Answer, Reason: in.Reason, By: by})
	return nil, Decided{Decision: d}, err
}
