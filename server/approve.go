package server

import (
	"context"
	"net/http"
	"net/url"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
)

// decisions answers GET /v1/decisions: the pending decisions of every run,
// oldest first.
func (s *Server) decisions(w http.ResponseWriter, r *http.Request) {
	ds, err := s.cfg.Manager.Decisions(r.Context(), "")
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, ds)
}

// runDecisions answers GET /v1/runs/{id}/decisions: every decision of the
// run, answered or not, oldest first.
func (s *Server) runDecisions(w http.ResponseWriter, r *http.Request) {
	ds, err := s.cfg.Manager.Decisions(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, ds)
}

func (s *Server) approveRun(w http.ResponseWriter, r *http.Request) { s.decide(w, r, true) }
func (s *Server) rejectRun(w http.ResponseWriter, r *http.Request)  { s.decide(w, r, false) }

// decide answers POST /v1/runs/{id}/approve and /reject with the decision
// as answered; the body (a runs.Answer) may be empty for an approval.
func (s *Server) decide(w http.ResponseWriter, r *http.Request, approve bool) {
	var a runs.Answer
	if r.ContentLength != 0 {
		if err := decode(w, r, &a); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	d, err := s.cfg.Manager.Decide(r.Context(), r.PathValue("id"), approve, a)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// Decisions lists the decisions of run id (oldest first), or with id ""
// the pending decisions of every run.
func (c *Client) Decisions(ctx context.Context, id string) ([]*maker.PendingDecision, error) {
	path := "/v1/decisions"
	if id != "" {
		path = "/v1/runs/" + url.PathEscape(id) + "/decisions"
	}
	var ds []*maker.PendingDecision
	if err := c.do(ctx, "GET", path, nil, &ds); err != nil {
		return nil, err
	}
	return ds, nil
}

// Decide approves (approve true) or rejects run id's pending decision and
// returns it answered.
func (c *Client) Decide(ctx context.Context, id string, approve bool, a runs.Answer) (*maker.PendingDecision, error) {
	verb := "/reject"
	if approve {
		verb = "/approve"
	}
	var d maker.PendingDecision
	if err := c.do(ctx, "POST", "/v1/runs/"+url.PathEscape(id)+verb, a, &d); err != nil {
		return nil, err
	}
	return &d, nil
}
