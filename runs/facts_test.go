package runs

import (
	"reflect"
	"strings"
	"testing"
)

// TestFacts checks both renderings of one fact list: JSON fields for the
// facts with a key, aligned text lines for those with a label.
func TestFacts(t *testing.T) {
	facts := []Fact{
		{Key: "disks", Label: "disks", Value: 3},
		{Key: "final_state", Label: "final state", Value: "[] [] [3 2 1]"},
		{Key: "solved", Value: true},
		{Label: "cost", Text: "$1 in all\n  detail line"},
		{Key: "grid", Label: "grid", Value: "12", Text: "\n1\n2"},
		{Key: "matches_reference", Label: "matches reference", Value: false},
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
