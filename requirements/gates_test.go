package requirements

import (
	"errors"
	"testing"
)

func TestCheckCriterion(t *testing.T) {
	cat := DefaultCatalogue()
	tests := []struct {
		name      string
		feature   string
		criterion string
		gate      Gate // "" when it passes
	}{
		{"good: status code", "create-task", "WHEN a client POSTs /tasks with a title THEN the API returns 201 and the new task", ""},
		{"good: stored state", "delete-task", "WHEN a client DELETEs /tasks/{id} THEN a later GET of that id returns 404", ""},
		{"good: vague word with a threshold", "list-tasks", "WHEN a client GETs /tasks with 1000 tasks stored THEN the API responds fast, within 200 ms", ""},
		{"good: own feature's words", "rate-limiting", "WHEN one client sends more than 60 requests in a minute THEN the API returns 429", ""},
		{"vague: the classic", "create-task", "The API should be fast.", GateVague},
		{"vague: in the format", "list-tasks", "WHEN a client lists tasks THEN the response is fast", GateVague},
		{"vague: user-friendly", "create-task", "WHEN a client creates a task THEN the API returns a user-friendly error", GateVague},
		{"vague: intuitive", "update-task", "WHEN a client updates a task THEN the API is intuitive to use", GateVague},
		{"vague: scalable", "list-tasks", "WHEN many clients call it THEN the API stays scalable", GateVague},
		{"vague: a number that is no threshold", "create-task", "WHEN a client creates a task THEN the API returns 201 quickly", GateVague},
		{"untestable: a feeling", "create-task", "WHEN a client creates a task THEN the client is satisfied with the result", GateUntestable},
		{"untestable: no outcome at all", "create-task", "Tasks are a central concept of the product.", GateUntestable},
		{"off purpose: another feature's words", "create-task", "WHEN a task is created THEN the API returns 201 and sends an email notification", GateOffPurpose},
		{"off purpose: a non-goal in passing", "list-tasks", "WHEN a client GETs /tasks?q=milk THEN the API returns the tasks that a full-text search finds", GateOffPurpose},
		{"format: not WHEN/THEN", "create-task", "The API returns 201 when a task is created.", GateFormat},
		{"format: lower case", "create-task", "when a client POSTs /tasks THEN the API returns 201", GateFormat},
		{"format: empty", "create-task", "  ", GateFormat},
		{"too long", "create-task", "WHEN a client POSTs /tasks with a title and a due date and a description and a priority and a label and a colour and an owner and a project THEN the API returns 201 and the new task with every field it was given, exactly as given", GateTooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := cat.CheckCriterion(tc.feature, tc.criterion)
			if got := GateOf(err); got != tc.gate {
				t.Fatalf("gate %q (%v), want %q", got, err, tc.gate)
			}
			if err != nil && !errors.Is(err, ErrGate) {
				t.Fatalf("%v does not wrap ErrGate", err)
			}
		})
	}
}

func TestCheckPurpose(t *testing.T) {
	tests := []struct {
		purpose string
		gate    Gate
	}{
		{"Let a client create, list, update, complete and delete its tasks over a JSON HTTP API.", ""},
		{"A powerful, flexible and scalable platform for managing everything.", GateVague},
		{"A modern, robust and user-friendly link management solution.", GateVague},
		{"Manage tasks.", GateVague},
		{"Let a client manage tasks over HTTP. It also sends reminders.", GateFormat},
		{"Let a client manage tasks over HTTP", GateFormat},
		{"Let a client manage tasks over HTTP!", GateFormat},
		{"Let a client create, list, update, complete, archive, restore, tag, label, filter, sort, group, assign, comment on, attach files to and delete its tasks and projects over a JSON HTTP API.", GateTooLong},
	}
	for _, tc := range tests {
		if got := GateOf(checkPurpose(tc.purpose)); got != tc.gate {
			t.Errorf("checkPurpose(%q): gate %q, want %q", tc.purpose, got, tc.gate)
		}
	}
}

func TestCatalogueValidate(t *testing.T) {
	good := Feature{ID: "webhooks", Name: "Webhooks", Description: "d", Keywords: []string{"webhook"}}
	tests := []struct {
		name string
		cat  Catalogue
		ok   bool
	}{
		{"default", DefaultCatalogue(), true},
		{"bad id", Catalogue{{ID: "Web Hooks", Name: "n", Description: "d", Keywords: []string{"x"}}}, false},
		{"repeated", Catalogue{good, good}, false},
		{"no keywords", Catalogue{{ID: "x", Name: "n", Description: "d"}}, false},
		{"no name", Catalogue{{ID: "x", Description: "d", Keywords: []string{"x"}}}, false},
	}
	for _, tc := range tests {
		if err := tc.cat.Validate(); (err == nil) != tc.ok {
			t.Errorf("%s: %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
