package server

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/maker-go/maker"
)

// Step pages: a page holds at most MaxStepPage steps (each with every
// sample it drew, so a page stays a few hundred kilobytes at k=5 with the
// texts kept), DefaultStepPage unless asked.
const (
	DefaultStepPage = 50
	MaxStepPage     = 200
)

// PromptFunc renders the prompt step (0-based) of journaled run was
// sampled with, from the state before it (the JSON of the state the
// previous step left; nil before the first step) and the previous action
// ("" before the first step): a task's prompt depends on nothing else, so
// it is rebuilt rather than journaled with every step.
type PromptFunc func(ctx context.Context, run *maker.RunRecord, step int, before json.RawMessage, prev string) (maker.Prompt, error)

// stepView is one committed step as GET /v1/runs/{id}/steps answers it:
// the journal's record, its number counted from 1 (as the event stream
// and a summary's first_wrong_step count) and, for one step asked for by
// number, the prompt its samples answered.
type stepView struct {
	*maker.StepRecord
	// Step hides the record's 0-based number.
	Step int `json:"step"`
	// Prompt is the step's prompt; PromptNote says why it is missing when
	// it is (the server cannot rebuild this run's task).
	Prompt     *promptView `json:"prompt,omitempty"`
	PromptNote string      `json:"prompt_note,omitempty"`
}

type promptView struct {
	System string `json:"system"`
	User   string `json:"user"`
}

// stepPage is the answer of GET /v1/runs/{id}/steps.
type stepPage struct {
	Run string `json:"run"`
	// Committed is how many steps the journal holds: a live run's last
	// steps reach it within a group commit.
	Committed int        `json:"committed"`
	From      int        `json:"from"`
	Limit     int        `json:"limit"`
	Steps     []stepView `json:"steps"`
	// Next is the from of the next page, 0 on the last.
	Next int `json:"next,omitempty"`
}

// stepParams are the query parameters of GET /v1/runs/{id}/steps.
var stepParams = []string{"from", "limit"}

// stepQuery reads the query of GET /v1/runs/{id}/steps: every parameter
// known and given once, each a whole number in range. The error names
// the parameter.
func stepQuery(q url.Values) (from, limit int, _ error) {
	for _, name := range slices.Sorted(maps.Keys(q)) {
		switch vs := q[name]; {
		case !slices.Contains(stepParams, name):
			return 0, 0, fmt.Errorf("query %s: unknown parameter (known: %s)", name, strings.Join(stepParams, ", "))
		case len(vs) > 1:
			return 0, 0, fmt.Errorf("query %s: given %d times", name, len(vs))
		}
	}
	from, limit = 1, DefaultStepPage
	for _, p := range []struct {
		name     string
		to       *int
		min, max int
	}{{"from", &from, 1, 1 << 40}, {"limit", &limit, 1, MaxStepPage}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < p.min || n > p.max {
			return 0, 0, fmt.Errorf("query %s: want a whole number from %d to %d, got %q", p.name, p.min, p.max, v)
		}
		*p.to = n
	}
	return from, limit, nil
}

// listSteps answers a page of a run's committed steps, without prompts.
func (s *Server) listSteps(w http.ResponseWriter, r *http.Request) {
	from, limit, err := stepQuery(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	db := s.cfg.Manager.DB()
	run, err := db.Run(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, err)
		return
	}
	page := stepPage{Run: run.ID, Committed: run.Steps, From: from, Limit: limit, Steps: []stepView{}}
	if from <= run.Steps {
		err = db.Steps(r.Context(), run.ID, from-1, min(from-1+limit, run.Steps), func(rec *maker.StepRecord) error {
			page.Steps = append(page.Steps, stepView{StepRecord: rec, Step: rec.Step + 1})
			return nil
		})
		if err != nil {
			s.fail(w, err)
			return
		}
	}
	if last := from - 1 + len(page.Steps); len(page.Steps) == limit && last < run.Steps {
		page.Next = last + 1
	}
	writeJSON(w, http.StatusOK, page)
}

// getStep answers one committed step, by its number counted from 1, with
// the prompt its samples answered.
func (s *Server) getStep(w http.ResponseWriter, r *http.Request) {
	v := r.PathValue("n")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("path n: want a step number from 1, got %q", v))
		return
	}
	db := s.cfg.Manager.DB()
	run, err := db.Run(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, err)
		return
	}
	if n > run.Steps {
		writeError(w, http.StatusNotFound, fmt.Sprintf("run %s has %d committed steps: step %d is not one of them (yet)", run.ID, run.Steps, n))
		return
	}
	// The step before holds the state and action the prompt was
	// rendered from.
	var before, rec *maker.StepRecord
	err = db.Steps(r.Context(), run.ID, max(n-2, 0), n, func(sr *maker.StepRecord) error {
		if sr.Step == n-1 {
			rec = sr
		} else {
			before = sr
		}
		return nil
	})
	if err != nil {
		s.fail(w, err)
		return
	}
	if rec == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("run %s: step %d is not in the journal", run.ID, n))
		return
	}
	out := stepView{StepRecord: rec, Step: n}
	if s.cfg.Prompt == nil {
		out.PromptNote = "this server does not rebuild prompts"
	} else {
		var state json.RawMessage
		if before != nil {
			state, _ = before.State.(json.RawMessage)
		}
		p, err := s.cfg.Prompt(r.Context(), run, n-1, state, rec.Prev)
		if err != nil {
			out.PromptNote = "the prompt cannot be rebuilt: " + err.Error()
		} else {
			out.Prompt = &promptView{System: p.System, User: p.User}
		}
	}
	writeJSON(w, http.StatusOK, out)
}
