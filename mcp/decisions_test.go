package mcp

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/maker-go/maker"
)

// TestDecisionTools: pending_decisions shows what a waiting run asks, and
// decide answers it, journaled with who answered.
func TestDecisionTools(t *testing.T) {
	ctx := context.Background()
	mgr := newManager(t)
	rec, err := mgr.DB().Create(ctx, maker.NewRun{Kind: "test", Task: "rollout"}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	dj := mgr.DB().(maker.DecisionJournal)
	if _, err := dj.Ask(ctx, rec.ID(), maker.DecisionRequest{Kind: maker.DecisionApprove, Step: 1, Action: "upgrade db 2.1"}); err != nil {
		t.Fatal(err)
	}
	cs := connect(t, mgr)
	call := func(name string, args map[string]any, out any) (bool, string) {
		t.Helper()
		res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: name, Arguments: args})
		if err != nil {
			t.Fatal(err)
		}
		text := ""
		for _, c := range res.Content {
			if tc, ok := c.(*sdk.TextContent); ok {
				text += tc.Text
			}
		}
		if !res.IsError && out != nil {
			b, _ := json.Marshal(res.StructuredContent)
			if err := json.Unmarshal(b, out); err != nil {
				t.Fatal(err)
			}
		}
		return res.IsError, text
	}
	var pending Decisions
	if isErr, text := call("pending_decisions", nil, &pending); isErr || len(pending.Decisions) != 1 || pending.Decisions[0].Action != "upgrade db 2.1" {
		t.Fatalf("pending_decisions: %v %q %+v", isErr, text, pending)
	}
	if isErr, text := call("decide", map[string]any{"id": rec.ID(), "approve": false}, nil); !isErr || !strings.Contains(text, "reason") {
		t.Fatalf("a rejection without a reason: %v %q", isErr, text)
	}
	var got Decided
	if isErr, text := call("decide", map[string]any{"id": rec.ID(), "approve": true, "by": "agent for ann"}, &got); isErr || got.Decision.Answer == nil || got.Decision.Answer.By != "agent for ann" {
		t.Fatalf("decide: %v %q %+v", isErr, text, got)
	}
	if isErr, text := call("decide", map[string]any{"id": rec.ID(), "approve": true}, nil); !isErr || !strings.Contains(text, "waits for no decision") {
		t.Fatalf("decide with nothing pending: %v %q", isErr, text)
	}
	if isErr, _ := call("pending_decisions", map[string]any{"id": rec.ID()}, &pending); isErr || len(pending.Decisions) != 1 || pending.Decisions[0].Open() {
		t.Fatalf("the run's decisions: %+v", pending)
	}
}
