package main

import (
	"reflect"
	"strings"
	"testing"
)

// TestFacts checks both renderings of one fact list: JSON fields for the
// facts with a key, aligned text lines for those with a label.
func TestFacts(t *testing.T) {
	facts := []fact{
		{key: "disks", label: "disks", value: 3},
		{key: "final_state", label: "final state", value: "[] [] [3 2 1]"},
		{key: "solved", value: true},
		{label: "cost", text: "$1 in all\n  detail line"},
		{key: "grid", label: "grid", value: "12", text: "\n1\n2"},
		{key: "matches_reference", label: "matches reference", value: false},
	}
	wantJSON := map[string]any{"run_id": "x", "disks": 3, "final_state": "[] [] [3 2 1]", "solved": true, "grid": "12", "matches_reference": false}
	if got := jsonFields(facts, map[string]any{"run_id": "x"}); !reflect.DeepEqual(got, wantJSON) {
		t.Errorf("JSON fields %v, want %v", got, wantJSON)
	}
	var b strings.Builder
	if err := writeFacts(&b, facts); err != nil {
		t.Fatal(err)
	}
	// The longest label sets the column: "matches reference" and a space.
	want := "disks             3\n" +
		"final state       [] [] [3 2 1]\n" +
		"cost              $1 in all\n" +
		"  detail line\n" +
		"grid\n1\n2\n" +
		"matches reference false\n"
	if b.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", b.String(), want)
	}
}
