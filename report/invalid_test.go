package report

import (
	"testing"

	"github.com/maker-go/maker"
)

// The report's facts list the validator's reasons for the invalid samples.
func TestFactsListInvalidReasons(t *testing.T) {
	s := &maker.Summary{Flagged: map[maker.Flag]int64{maker.FlagInvalid: 3}, Invalid: map[string]int64{"unterminated string": 2, "expected ')' at the end": 1}}
	for _, f := range facts(s, &aggregate{}, "") {
		if f.Label == "invalid samples" {
			if want := "unterminated string 2; expected ')' at the end 1"; f.Value != want {
				t.Fatalf("invalid samples: %q, want %q", f.Value, want)
			}
			return
		}
	}
	t.Fatal("no invalid samples fact")
}
