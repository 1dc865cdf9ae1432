package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

// GET /v1/runs pages the journal's runs: the total on every page, a cursor
// to the next, filters by status, kind and text; a query it cannot answer
// is a 400 that names the parameter.
func TestListRunsQuery(t *testing.T) {
	s, hs := newTestServer(t, "")
	ctx := context.Background()
	db := s.cfg.Manager.DB()
	for i, kind := range []string{"hanoi", "hanoi", "cube", "hanoi", "cube"} {
		r, err := db.Create(ctx, maker.NewRun{Kind: kind, Task: kind + "-task", Model: "sim"}, maker.JournalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			err = r.Finish(nil, maker.StatusDone)
		} else {
			err = r.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	type answer struct {
		Runs []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Kind   string `json:"kind"`
		} `json:"runs"`
		Total int    `json:"total"`
		Next  string `json:"next"`
		Error string `json:"error"`
	}
	get := func(t *testing.T, query string) (int, answer) {
		t.Helper()
		res, err := http.Get(hs.URL + "/v1/runs?" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var a answer
		if err := json.NewDecoder(res.Body).Decode(&a); err != nil {
			t.Fatalf("GET /v1/runs?%s: %v", query, err)
		}
		return res.StatusCode, a
	}

	for _, tt := range []struct {
		query string
		want  string
	}{
		{"status=bogus", "query status: want one of running, waiting, queued, done"},
		{"limit=0", "query limit"},
		{"limit=1001", "query limit"},
		{"limit=ten", "query limit"},
		{"offset=-1", "query offset"},
		{"cursor=nosuchrun", `query cursor: no run "nosuchrun"`},
		{"text=" + strings.Repeat("x", maker.MaxRunText+1), "query text"},
		{"statuss=done", "query statuss: unknown parameter"},
		{"status=done&status=failed", "query status: given 2 times"},
	} {
		code, a := get(t, tt.query)
		if code != http.StatusBadRequest || !strings.Contains(a.Error, tt.want) {
			t.Errorf("GET /v1/runs?%.40s: %d %q; want 400 with %q", tt.query, code, a.Error, tt.want)
		}
	}

	// Three pages of two by cursor: every run once, newest first.
	var ids []string
	q := "limit=2"
	for page := 0; ; page++ {
		code, a := get(t, q)
		if code != http.StatusOK || a.Total != 5 || len(a.Runs) == 0 || len(a.Runs) > 2 {
			t.Fatalf("GET /v1/runs?%s: %d %+v; want up to 2 of 5 runs", q, code, a)
		}
		for _, r := range a.Runs {
			ids = append(ids, r.ID)
		}
		if a.Next == "" {
			break
		}
		if a.Next != ids[len(ids)-1] || page > 3 {
			t.Fatalf("page %d: next %q, want the last run listed, %s", page, a.Next, ids[len(ids)-1])
		}
		q = "limit=2&cursor=" + url.QueryEscape(a.Next)
	}
	all, err := db.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != len(all) {
		t.Fatalf("pages listed %v, want the %d runs", ids, len(all))
	}
	for i, r := range all {
		if ids[i] != r.ID {
			t.Fatalf("pages listed %v, want newest first", ids)
		}
	}

	for _, tt := range []struct {
		query string
		total int
	}{
		{"status=done", 3},
		{"status=running&kind=cube", 0},
		{"kind=cube", 2},
		{"text=CUBE-T", 2},
		{"text=" + all[2].ID, 1},
		{"offset=4", 5},
	} {
		code, a := get(t, tt.query)
		if code != http.StatusOK || a.Total != tt.total {
			t.Errorf("GET /v1/runs?%s: %d, total %d, want %d", tt.query, code, a.Total, tt.total)
		}
	}
}

// The document's statuses are the journal's, and its run list has the
// answer's fields.
func TestListDocumented(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas struct {
				Status  struct{ Enum []string }
				RunList struct {
					Properties map[string]json.RawMessage
				}
			}
		}
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Components.Schemas.Status.Enum; !slices.Equal(got, maker.RunStatuses) {
		t.Errorf("openapi.json's statuses %v, the journal's %v", got, maker.RunStatuses)
	}
	b, err := json.Marshal(runList{Next: "x"})
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	for f := range fields {
		if _, ok := doc.Components.Schemas.RunList.Properties[f]; !ok {
			t.Errorf("GET /v1/runs answers %s, which openapi.json's RunList does not document", f)
		}
	}
	for f := range doc.Components.Schemas.RunList.Properties {
		if _, ok := fields[f]; !ok {
			t.Errorf("openapi.json's RunList documents %s, which GET /v1/runs does not answer", f)
		}
	}
}
