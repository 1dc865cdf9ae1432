package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/strictjson"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/runs"
)

// apiError is the body of every error answer.
type apiError struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, apiError{Error: msg})
}

// fail answers err with the status its kind calls for.
func (s *Server) fail(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, runs.ErrInvalid):
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, runs.ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, runs.ErrConflict):
		writeError(w, http.StatusConflict, err.Error())
	case errors.Is(err, runs.ErrDraining):
		writeError(w, http.StatusServiceUnavailable, err.Error())
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer.
		writeError(w, http.StatusServiceUnavailable, err.Error())
	default:
		s.cfg.Logger.Error("request failed", "err", err)
		writeError(w, http.StatusInternalServerError, err.Error())
	}
}

// decode reads a JSON body strictly (see internal/strictjson): one object,
// every field name exact and given once, no unknown field, every field of
// its type; the error names the field. The body is read whole first, so a
// body over MaxBody is refused as such whatever it holds.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeMax(w, r, v, MaxBody)
}

// decodeMax is [decode] with a body of up to max bytes.
func decodeMax(w http.ResponseWriter, r *http.Request, v any, max int64) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		return fmt.Errorf("request body larger than %d bytes", max)
	case err != nil:
		return fmt.Errorf("request body: %w", err)
	}
	err = strictjson.Unmarshal(b, v)
	var se *strictjson.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF):
		return errors.New("empty request body: want a JSON object")
	case errors.Is(err, strictjson.ErrTrailing):
		return errors.New("request body: more than one JSON value")
	case errors.As(err, &se) && se.Field != "":
		return fmt.Errorf("field %w", err)
	}
	return fmt.Errorf("request body: %w", err)
}

func (s *Server) createRun(w http.ResponseWriter, r *http.Request) {
	var d runs.Description
	// A task file's data files come in its params (params.files).
	if err := decodeMax(w, r, &d, MaxRunBody); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	id, err := s.cfg.Manager.Start(r.Context(), d)
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Location", "/v1/runs/"+id)
	writeJSON(w, http.StatusCreated, map[string]string{"id": id})
}

// runList is the answer of GET /v1/runs: a page of runs, how many match
// in all, and the cursor of the next page.
type runList struct {
	Runs   []*runs.Info `json:"runs"`
	Total  int          `json:"total"`
	Offset int          `json:"offset"`
	Limit  int          `json:"limit"`
	Next   string       `json:"next,omitempty"`
}

// listParams are the query parameters of GET /v1/runs.
var listParams = []string{"status", "kind", "text", "cursor", "offset", "limit"}

// listFilter reads the query of GET /v1/runs: every parameter known and
// given once, the numbers whole and in range; the journal checks the rest
// (the status among the statuses, the cursor a run). The error names the
// parameter.
func listFilter(q url.Values) (runs.Filter, error) {
	for _, name := range slices.Sorted(maps.Keys(q)) {
		switch vs := q[name]; {
		case !slices.Contains(listParams, name):
			return runs.Filter{}, fmt.Errorf("query %s: unknown parameter (known: %s)", name, strings.Join(listParams, ", "))
		case len(vs) > 1:
			return runs.Filter{}, fmt.Errorf("query %s: given %d times", name, len(vs))
		}
	}
	f := runs.Filter{Status: q.Get("status"), Kind: q.Get("kind"), Text: q.Get("text"), After: q.Get("cursor"), Limit: maker.DefaultRunLimit}
	for _, p := range []struct {
		name     string
		to       *int
		min, max int
	}{{"offset", &f.Offset, 0, 1 << 30}, {"limit", &f.Limit, 1, maker.MaxRunLimit}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < p.min || n > p.max {
			return runs.Filter{}, fmt.Errorf("query %s: want a whole number from %d to %d, got %q", p.name, p.min, p.max, v)
		}
		*p.to = n
	}
	return f, nil
}

func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) {
	f, err := listFilter(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	p, err := s.cfg.Manager.List(r.Context(), f)
	var qe *maker.RunQueryError
	if errors.As(err, &qe) {
		writeError(w, http.StatusBadRequest, "query "+qe.Error())
		return
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, runList{Runs: p.Runs, Total: p.Total, Offset: f.Offset, Limit: f.Limit, Next: p.Next})
}

func (s *Server) getRun(w http.ResponseWriter, r *http.Request) {
	in, err := s.cfg.Manager.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, in)
}

func (s *Server) cancelRun(w http.ResponseWriter, r *http.Request) {
	if err := s.cfg.Manager.Cancel(r.Context(), r.PathValue("id")); err != nil {
		s.fail(w, err)
		return
	}
	s.getRun(w, r)
}

func (s *Server) resumeRun(w http.ResponseWriter, r *http.Request) {
	// The body, when there is one, holds budget caps that replace the
	// run's (runs.Caps); none keeps them.
	var caps *runs.Caps
	if r.ContentLength != 0 {
		caps = new(runs.Caps)
		if err := decode(w, r, caps); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	id, err := s.cfg.Manager.ResumeWith(r.Context(), r.PathValue("id"), caps)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"id": id})
}

func (s *Server) replayRun(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	k, limit := 0, 20
	for _, p := range []struct {
		name string
		to   *int
	}{{"k", &k}, {"limit", &limit}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1000 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("query %s: want a whole number from 0 to 1000, got %q", p.name, v))
			return
		}
		*p.to = n
	}
	db := s.cfg.Manager.DB()
	run, err := db.Run(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, err)
		return
	}
	rep, err := maker.ReplayRun(r.Context(), db, run.ID, k, limit)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Report == nil {
		writeError(w, http.StatusNotImplemented, "this server renders no reports")
		return
	}
	run, err := s.cfg.Manager.DB().Run(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.cfg.Report(r.Context(), run.ID, w); err != nil {
		s.cfg.Logger.Error("report", "run", run.ID, "err", err)
	}
}

func (s *Server) plan(w http.ResponseWriter, r *http.Request) {
	var in plan.Input
	if err := decode(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	p, err := plan.Compute(in)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, p)
}
