package maker_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/maker-go/maker"
)

// actingTask is countTask with an Executor that logs what it carries out.
type actingTask struct {
	countTask
	mu   sync.Mutex
	done []string
}

func (a *actingTask) Execute(_ context.Context, s int, c maker.Candidate[int]) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.done = append(a.done, c.Action)
	return s + 1, nil
}

func (a *actingTask) executed() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.done...)
}

// approverFunc answers each question with f.
type approverFunc func(req maker.DecisionRequest) maker.Verdict

func (f approverFunc) Decide(_ context.Context, req maker.DecisionRequest) (maker.Verdict, error) {
	return f(req), nil
}

func TestApprovalGatesEachAction(t *testing.T) {
	task := &actingTask{countTask: countTask{n: 4}}
	var asked []string
	appr := approverFunc(func(req maker.DecisionRequest) maker.Verdict {
		// The action is shown before it is carried out.
		if got := len(task.executed()); got != req.Step-1 {
			t.Errorf("step %d asked after %d actions, want %d", req.Step, got, req.Step-1)
		}
		asked = append(asked, req.Kind+" "+req.Action)
		if req.Step == 3 {
			return maker.Verdict{Reason: "not on a Friday", By: "ops"}
		}
		return maker.Verdict{Approved: true, By: "ops"}
	})
	m := script(func(step, i int) string { return "answer=R" })
	res, err := maker.Run(context.Background(), task, m, maker.Config{K: 2, Ordered: true,
		Approval: &maker.Approval{Approver: appr, Actions: true}})
	var rej *maker.RejectedError
	if !errors.As(err, &rej) || !errors.Is(err, maker.ErrRejected) {
		t.Fatalf("err = %v, want a RejectedError", err)
	}
	if rej.Step != 3 || !strings.Contains(err.Error(), "not on a Friday") || !strings.Contains(err.Error(), "by ops") {
		t.Fatalf("error = %v", err)
	}
	if got := task.executed(); len(got) != 2 {
		t.Fatalf("executed %v, want the two approved actions only", got)
	}
	if strings.Join(asked, ",") != "approve R,approve R,approve R" {
		t.Fatalf("asked %q", asked)
	}
	if res.Summary.StopReason != "rejected" || res.Summary.Steps != 2 || maker.RunStatus(&res.Summary, err) != maker.StatusFailed {
		t.Fatalf("summary: stop %q after %d steps", res.Summary.StopReason, res.Summary.Steps)
	}
}

func TestApprovalConfigNeedsAnApprover(t *testing.T) {
	_, err := maker.Run(context.Background(), countTask{n: 1}, script(func(int, int) string { return "answer=R" }),
		maker.Config{Approval: &maker.Approval{Actions: true}})
	if err == nil || !strings.Contains(err.Error(), "approval: no approver") {
		t.Fatalf("err = %v", err)
	}
}

func TestAskDecidesAStepWithoutConsensus(t *testing.T) {
	// Every step splits A/B evenly: no vote converges.
	m := script(func(step, i int) string { return []string{"answer=A", "answer=B"}[i%2] })
	var reqs []maker.DecisionRequest
	appr := approverFunc(func(req maker.DecisionRequest) maker.Verdict {
		reqs = append(reqs, req)
		switch {
		case req.Step == 1:
			return maker.Verdict{Approved: true, Pick: 2, By: "ann"}
		case req.Step == 2 && req.Attempt == 0:
			return maker.Verdict{Approved: true, Text: "not an answer", By: "ann"}
		case req.Step == 2:
			return maker.Verdict{Approved: true, Text: "answer=R", By: "ann"}
		}
		return maker.Verdict{Reason: "give up", By: "ann"}
	})
	res, err := maker.Run(context.Background(), countTask{n: 3}, m, maker.Config{K: 2, MaxSamples: 6, Ordered: true,
		Approval: &maker.Approval{Approver: appr, Ask: true}})
	if !errors.Is(err, maker.ErrRejected) || !strings.Contains(err.Error(), "step 3: no consensus") {
		t.Fatalf("err = %v, want step 3 rejected", err)
	}
	if got := strings.Join(res.Actions, ","); got != "B,R" {
		t.Fatalf("actions %q, want the pick then the written answer", got)
	}
	if len(reqs) != 4 {
		t.Fatalf("%d questions, want 4 (step 2 asked again)", len(reqs))
	}
	c := reqs[0].Candidates
	if reqs[0].Kind != maker.DecisionAsk || len(c) != 2 || c[0].Votes != 3 || c[0].Action != "A" || c[1].Text != "answer=B" {
		t.Fatalf("first question %+v", reqs[0])
	}
	if reqs[2].Attempt != 1 || !strings.Contains(reqs[2].Note, "cannot be used") {
		t.Fatalf("the retry says %+v", reqs[2])
	}
	if res.Summary.Samples != 18 {
		t.Fatalf("samples = %d, want 6 a step and none while asking", res.Summary.Samples)
	}
}

func TestVerdictCheck(t *testing.T) {
	ask := maker.DecisionRequest{Kind: maker.DecisionAsk, Step: 4, Candidates: make([]maker.DecisionCandidate, 2)}
	appr := maker.DecisionRequest{Kind: maker.DecisionApprove, Step: 4}
	for _, tc := range []struct {
		req  maker.DecisionRequest
		v    maker.Verdict
		want string
	}{
		{ask, maker.Verdict{Approved: true, Pick: 2}, ""},
		{ask, maker.Verdict{Approved: true, Text: "x"}, ""},
		{ask, maker.Verdict{Reason: "no"}, ""},
		{ask, maker.Verdict{Approved: true}, "pick one of its 2 candidates"},
		{ask, maker.Verdict{Approved: true, Pick: 3}, "pick 3: step 4 has candidates 1 to 2"},
		{ask, maker.Verdict{Approved: true, Pick: 1, Text: "x"}, "not both"},
		{appr, maker.Verdict{Approved: true}, ""},
		{appr, maker.Verdict{Approved: true, Pick: 1}, "not a pick"},
	} {
		err := tc.v.Check(tc.req)
		if (err == nil) != (tc.want == "") || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %+v: err %v, want %q", tc.req.Kind, tc.v, err, tc.want)
		}
	}
}
