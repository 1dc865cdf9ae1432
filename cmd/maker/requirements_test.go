package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/requirements"
	"github.com/maker-go/maker/sim"
)

// TestRequirementsExports runs `maker requirements` on the simulator for
// every scripted request: both files are written, every catalogue feature
// is IN or NON-GOAL, and the non-goals come first in both.
func TestRequirementsExports(t *testing.T) {
	dir := t.TempDir()
	for i, req := range requirements.Requests() {
		md, js := filepath.Join(dir, "r.md"), filepath.Join(dir, "r.json")
		code, stdout, stderr := runCLI(t, "requirements", req, "--out-md", md, "--out-json", js, "--sim-error", "0.1", "--k", "3", "--seed", strconv.Itoa(i+1), "--quiet")
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", req, code, stderr)
		}
		if strings.Contains(stdout, "## Non-goals") {
			t.Errorf("%s: the Markdown went to stdout as well as to --out-md", req)
		}
		if !strings.Contains(stdout, "gates ") || !strings.Contains(stdout, "SIMULATED") {
			t.Errorf("%s: the summary lacks the gate line or the simulated mark:\n%s", req, stdout)
		}
		mdText, err := os.ReadFile(md)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(js)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			NonGoals []struct{ ID string } `json:"non_goals"`
			InScope  []struct {
				ID       string
				Criteria []string `json:"acceptance_criteria"`
			} `json:"in_scope"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", req, err)
		}
		if i := strings.Index(string(raw), `"non_goals"`); i < 0 || strings.TrimSpace(string(raw[:i])) != "{" {
			t.Errorf("%s: non_goals is not the JSON's first field", req)
		}
		ng, in := strings.Index(string(mdText), "## Non-goals"), strings.Index(string(mdText), "## In scope")
		if ng < 0 || in < ng || strings.Index(string(mdText), "## Purpose") < ng {
			t.Errorf("%s: the Markdown does not open with the non-goals", req)
		}
		decided := map[string]int{}
		for _, n := range doc.NonGoals {
			decided[n.ID]++
		}
		for _, f := range doc.InScope {
			decided[f.ID]++
			if len(f.Criteria) == 0 {
				t.Errorf("%s: %s in scope without criteria", req, f.ID)
			}
		}
		for _, f := range requirements.DefaultCatalogue() {
			if decided[f.ID] != 1 {
				t.Errorf("%s: catalogue feature %s decided %d times", req, f.ID, decided[f.ID])
			}
		}
	}
}

func TestRequirementsJSON(t *testing.T) {
	code, out, stderr := runCLI(t, "requirements", "Build a URL shortener", "--json", "--sim-error", "0.2", "--k", "4")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	for _, key := range []string{"success", "simulated", "steps", "samples", "flagged", "gates", "gates_by_kind", "requirements", "request"} {
		if _, ok := got[key]; !ok {
			t.Errorf("JSON lacks %q", key)
		}
	}
	if got["success"] != true || got["simulated"] != true {
		t.Errorf("summary: %s", out)
	}
}

func TestRequirementsExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unscripted request on the simulator", []string{"requirements", "Build a spaceship"}, 2, `knows only the scripted requests "Build a simple task management API", "Build a URL shortener"`},
		{"no request", []string{"requirements"}, 2, "one quoted argument"},
		{"two words unquoted", []string{"requirements", "Build", "it"}, 2, "one quoted argument"},
		{"adaptive k", []string{"requirements", "Build a URL shortener", "--k", "adaptive"}, 2, "--k adaptive"},
		{"bad proposers", []string{"requirements", "Build a URL shortener", "--purpose-proposers", "0"}, 2, "--purpose-proposers"},
		{"bad temperature", []string{"requirements", "Build a URL shortener", "--proposal-temperature", "-1"}, 2, "--proposal-temperature"},
		{"real model needs p for auto k", []string{"requirements", "Build a spaceship", "--model", "nosuch/x"}, 2, ""},
		{"unwritable file", []string{"requirements", "Build a URL shortener", "--out-md", "/nonexistent/dir/r.md"}, exitOutput, "--out-md"},
		{"budget", []string{"requirements", "Build a URL shortener", "--max-samples-total", "10", "--out-json", "/nonexistent/r.json"}, 3, "max-samples-total"},
		{"k=1 lets a feature spill", []string{"requirements", "Build a simple task management API", "--k", "1", "--sim-error", "0.15", "--seed", "29"}, 1, "the task failed: 1 wrong step\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append(tc.args, "--quiet")...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.msg)
			}
		})
	}
}

// TestRequirementsDocWorkedRuns reruns each worked run of
// docs/requirements.md (a "<!-- worked-run: ARGS -->" line before a text
// block) and checks that every line the guide shows is in the output, in
// order; "..." marks lines the guide leaves out, and the wall time varies.
func TestRequirementsDocWorkedRuns(t *testing.T) {
	b, err := os.ReadFile("../../docs/requirements.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	runs := 0
	for i, l := range lines {
		spec, ok := strings.CutPrefix(l, "<!-- worked-run: ")
		if !ok {
			continue
		}
		runs++
		args, err := splitArgs(strings.TrimSuffix(spec, " -->"))
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if i+1 >= len(lines) || lines[i+1] != "```text" {
			t.Fatalf("line %d: a worked run must be followed by a text block", i+1)
		}
		var shown []string
		for _, s := range lines[i+2:] {
			if s == "```" {
				break
			}
			if s != "..." && !strings.HasPrefix(s, "wall ") {
				shown = append(shown, s)
			}
		}
		_, out, _ := runCLI(t, append(args, "--quiet")...)
		got := strings.Split(out, "\n")
		j := 0
		for _, want := range shown {
			for j < len(got) && got[j] != want {
				j++
			}
			if j == len(got) {
				t.Errorf("docs/requirements.md:%d: maker %s does not print, in this order, %q", i+1, strings.Join(args, " "), want)
				break
			}
			j++
		}
	}
	if runs < 2 {
		t.Fatalf("found %d worked runs in docs/requirements.md", runs)
	}
}

// The "reqstest" provider stands in for a real model on a request no intent
// is scripted for: it answers from an intent made up here, through a plain
// model that does not say it is simulated, so the command takes the path of
// a real provider (no scripted checker, k from the flags).
func init() {
	maker.RegisterProvider("reqstest", func(_ context.Context, spec maker.ModelSpec) (maker.Model, error) {
		intent := &requirements.Intent{
			Request:      "Build an invoicing API",
			Purpose:      "Let a client create invoices for its customers and mark them paid over a JSON HTTP API.",
			BroadPurpose: "Run the whole finance department of a small company, from invoices to payroll and taxes.",
			VaguePurpose: "A powerful and flexible billing solution.",
			In: []requirements.IntentFeature{
				{ID: "create-invoice", Description: "Create an invoice with lines and a customer.", Criteria: []string{
					"WHEN a client POSTs /invoices with one line THEN the API returns 201 and the invoice total"}},
				{ID: "export", Criteria: []string{"WHEN a client GETs /invoices/{id}.pdf THEN the API returns 200 and a PDF of the invoice"}},
			},
			Spill: []requirements.IntentFeature{{ID: "payroll", Description: "Pay employees."}},
		}
		cfg := sim.DefaultConfig()
		cfg.ErrorRate = 0.1
		m, err := sim.New(intent, cfg)
		if err != nil {
			return nil, err
		}
		return maker.ModelFunc(m.Generate), nil
	})
}

func TestRequirementsOnAProvider(t *testing.T) {
	js := filepath.Join(t.TempDir(), "r.json")
	code, stdout, stderr := runCLI(t, "requirements", "Build an invoicing API", "--model", "reqstest/x", "--k", "3", "--out-json", js, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "SIMULATED") {
		t.Errorf("a provider run is marked simulated:\n%s", stdout)
	}
	raw, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var doc requirements.Requirements
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var in []string
	for _, f := range doc.InScope {
		in = append(in, f.ID)
	}
	if strings.Join(in, ",") != "create-invoice,export" || len(doc.NonGoals) < 15 || doc.Provenance.Simulated {
		t.Fatalf("in scope %v, %d non-goals, simulated %v", in, len(doc.NonGoals), doc.Provenance.Simulated)
	}
	// The request names no PDF, so the export criterion may name it only
	// because it is export's own word; the gates ran on every criterion.
	for _, f := range doc.InScope {
		for _, c := range f.AcceptanceCriteria {
			if err := requirements.DefaultCatalogue().CheckCriterion(f.ID, c); err != nil {
				t.Errorf("exported criterion fails a gate: %v", err)
			}
		}
	}
}
