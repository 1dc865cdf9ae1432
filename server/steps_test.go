package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

// journalSteps journals a finished run of n steps, step i (0-based)
// moving the state from i to i+1 with action "a<i+1>", its samples two
// votes for the winner and a flagged one.
func journalSteps(t *testing.T, s *Server, n int) string {
	t.Helper()
	ctx := context.Background()
	rec, err := s.cfg.Manager.DB().Create(ctx, maker.NewRun{Kind: "hanoi", Task: "count", Model: "sim", TotalSteps: n}, maker.JournalOptions{Keep: maker.KeepAll})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		prev := ""
		if i > 0 {
			prev = fmt.Sprintf("a%d", i)
		}
		key := fmt.Sprintf("a%d|%d", i+1, i+1)
		err := rec.Observe(ctx, &maker.StepRecord{
			Step: i, K: 2, Prev: prev, Action: fmt.Sprintf("a%d", i+1), Key: key, State: i + 1,
			Tally: []maker.KeyCount{{Key: key, Votes: 2}}, Votes: 2, Flagged: 1,
			Samples: []maker.SampleRecord{
				{Index: 0, Seq: 0, Text: "answer " + key, Key: key, Voted: true, Latency: 3 * time.Millisecond},
				{Index: 1, Seq: 1, Text: "rambling", Flag: maker.FlagTooLong, Retries: 1, Latency: 9 * time.Millisecond},
				{Index: 2, Seq: 2, Text: "answer " + key, Key: key, Voted: true, Latency: 4 * time.Millisecond},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := rec.Finish(nil, maker.StatusDone); err != nil {
		t.Fatal(err)
	}
	return rec.ID()
}

// getJSON GETs path and decodes the answer into out.
func getJSON(t *testing.T, url string, out any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %d, %v", url, res.StatusCode, err)
	}
	return res.StatusCode
}

// GET /v1/runs/{id}/steps/{n} answers one committed step, counted from 1,
// with its tally, its samples (texts, flags, latencies, retries) and the
// prompt rebuilt from the step before's state and action; GET
// /v1/runs/{id}/steps pages them. A bad number or parameter is a 400 that
// names it, a step not committed a 404.
func TestStepRoutes(t *testing.T) {
	s, hs := newTestServer(t, "")
	id := journalSteps(t, s, 7)
	s.cfg.Prompt = func(_ context.Context, run *maker.RunRecord, step int, before json.RawMessage, prev string) (maker.Prompt, error) {
		if run.ID != id {
			return maker.Prompt{}, fmt.Errorf("run %s", run.ID)
		}
		return maker.Prompt{System: "count", User: fmt.Sprintf("step %d from state %s after %q", step, before, prev)}, nil
	}
	type sample struct {
		Text      string `json:"text"`
		Key       string `json:"key"`
		Flag      string `json:"flag"`
		Voted     bool   `json:"voted"`
		LatencyNS int64  `json:"latency_ns"`
		Retries   int    `json:"retries"`
	}
	type step struct {
		Step    int              `json:"step"`
		Action  string           `json:"action"`
		Tally   []maker.KeyCount `json:"tally"`
		Samples []sample         `json:"samples"`
		Prompt  *struct {
			System string `json:"system"`
			User   string `json:"user"`
		} `json:"prompt"`
		PromptNote string `json:"prompt_note"`
		Error      string `json:"error"`
	}
	for _, tt := range []struct {
		n    int
		user string
	}{{1, `step 0 from state  after ""`}, {3, `step 2 from state 2 after "a2"`}, {7, `step 6 from state 6 after "a6"`}} {
		var got step
		if code := getJSON(t, fmt.Sprintf("%s/v1/runs/%s/steps/%d", hs.URL, id[:5], tt.n), &got); code != 200 {
			t.Fatalf("GET step %d: %d %s", tt.n, code, got.Error)
		}
		want := fmt.Sprintf("a%d|%d", tt.n, tt.n)
		switch {
		case got.Step != tt.n || got.Action != fmt.Sprintf("a%d", tt.n):
			t.Errorf("step %d: answered step %d, action %q", tt.n, got.Step, got.Action)
		case len(got.Tally) != 1 || got.Tally[0].Key != want || got.Tally[0].Votes != 2:
			t.Errorf("step %d: tally %+v", tt.n, got.Tally)
		case len(got.Samples) != 3 || got.Samples[0].Text != "answer "+want || got.Samples[1].Flag != string(maker.FlagTooLong) ||
			got.Samples[1].Retries != 1 || got.Samples[1].LatencyNS != int64(9*time.Millisecond):
			t.Errorf("step %d: samples %+v", tt.n, got.Samples)
		case got.Prompt == nil || got.Prompt.System != "count" || got.Prompt.User != tt.user:
			t.Errorf("step %d: prompt %+v (%s), want user %q", tt.n, got.Prompt, got.PromptNote, tt.user)
		}
	}

	var page struct {
		Run       string `json:"run"`
		Committed int    `json:"committed"`
		From      int    `json:"from"`
		Limit     int    `json:"limit"`
		Steps     []step `json:"steps"`
		Next      int    `json:"next"`
		Error     string `json:"error"`
	}
	var seen []int
	for from := 1; from != 0; from = page.Next {
		page.Next, page.Steps = 0, nil
		if code := getJSON(t, fmt.Sprintf("%s/v1/runs/%s/steps?from=%d&limit=3", hs.URL, id, from), &page); code != 200 {
			t.Fatalf("GET steps from %d: %d %s", from, code, page.Error)
		}
		for _, st := range page.Steps {
			seen = append(seen, st.Step)
			if st.Prompt != nil || len(st.Samples) != 3 {
				t.Errorf("a page's step %d: prompt %v, %d samples (want no prompt, every sample)", st.Step, st.Prompt, len(st.Samples))
			}
		}
		if page.Run != id || page.Committed != 7 || page.Limit != 3 || len(seen) > 7 {
			t.Fatalf("page from %d: %+v", from, page)
		}
	}
	if fmt.Sprint(seen) != "[1 2 3 4 5 6 7]" {
		t.Errorf("paging by next saw steps %v", seen)
	}
	if code := getJSON(t, fmt.Sprintf("%s/v1/runs/%s/steps?from=9", hs.URL, id), &page); code != 200 || len(page.Steps) != 0 || page.Next != 0 {
		t.Errorf("a page past the end: %d %+v", code, page)
	}

	for _, tt := range []struct {
		path string
		code int
		want string
	}{
		{"/steps/0", 400, `path n: want a step number from 1, got "0"`},
		{"/steps/-3", 400, "path n"},
		{"/steps/x", 400, "path n"},
		{"/steps/8", 404, "run " + id + " has 7 committed steps: step 8 is not one of them"},
		{"/steps?limit=0", 400, "query limit: want a whole number from 1 to 200"},
		{"/steps?limit=201", 400, "query limit"},
		{"/steps?from=0", 400, "query from"},
		{"/steps?from=two", 400, "query from"},
		{"/steps?form=2", 400, "query form: unknown parameter (known: from, limit)"},
		{"/steps?from=1&from=2", 400, "query from: given 2 times"},
	} {
		var e struct{ Error string }
		if code := getJSON(t, hs.URL+"/v1/runs/"+id+tt.path, &e); code != tt.code || !strings.Contains(e.Error, tt.want) {
			t.Errorf("GET %s: %d %q; want %d with %q", tt.path, code, e.Error, tt.code, tt.want)
		}
	}
	var e struct{ Error string }
	if code := getJSON(t, hs.URL+"/v1/runs/nosuchrun/steps/1", &e); code != 404 {
		t.Errorf("a step of no run: %d %q", code, e.Error)
	}

	// Without a prompt renderer, the step says why it has none.
	s.cfg.Prompt = nil
	var got step
	if code := getJSON(t, fmt.Sprintf("%s/v1/runs/%s/steps/2", hs.URL, id), &got); code != 200 || got.Prompt != nil || got.PromptNote == "" {
		t.Errorf("without prompts: %d, prompt %v, note %q", code, got.Prompt, got.PromptNote)
	}
}

// jsonNames are the JSON names of t's fields, those of embedded structs
// included: every field an answer of type t may hold.
func jsonNames(t reflect.Type) map[string]bool {
	names := map[string]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case name == "-" || !f.IsExported():
			case f.Anonymous && name == "":
				walk(f.Type)
			case name == "":
				names[f.Name] = true
			default:
				names[name] = true
			}
		}
	}
	walk(t)
	return names
}

// The document's Step, StepPage and Sample schemas name every field the
// step routes may answer, and no other.
func TestStepsDocumented(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	for name, typ := range map[string]reflect.Type{
		"Step":     reflect.TypeFor[stepView](),
		"StepPage": reflect.TypeFor[stepPage](),
		"Sample":   reflect.TypeFor[maker.SampleRecord](),
	} {
		fields := jsonNames(typ)
		schema, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("openapi.json has no %s schema", name)
			continue
		}
		for f := range fields {
			if _, ok := schema.Properties[f]; !ok {
				t.Errorf("the step routes answer %s.%s, which openapi.json does not document", name, f)
			}
		}
		for f := range schema.Properties {
			if !fields[f] {
				t.Errorf("openapi.json's %s documents %s, which the step routes do not answer", name, f)
			}
		}
	}
}
