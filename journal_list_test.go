package maker

import (
	"errors"
	"strings"
	"testing"
)

func TestRunQueryCheck(t *testing.T) {
	for _, tt := range []struct {
		q     RunQuery
		field string // "" valid
	}{
		{RunQuery{}, ""},
		{RunQuery{Status: StatusQueued, Kind: "hanoi", Text: "x", After: "ab12", Offset: 3, Limit: MaxRunLimit}, ""},
		{RunQuery{Status: "Done"}, "status"},
		{RunQuery{Kind: strings.Repeat("k", MaxRunText+1)}, "kind"},
		{RunQuery{Text: strings.Repeat("t", MaxRunText+1)}, "text"},
		{RunQuery{After: strings.Repeat("c", MaxRunText+1)}, "cursor"},
		{RunQuery{Offset: -1}, "offset"},
		{RunQuery{Limit: -1}, "limit"},
		{RunQuery{Limit: MaxRunLimit + 1}, "limit"},
	} {
		got, err := tt.q.Check()
		var qe *RunQueryError
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("Check(%+v): %v", tt.q, err)
		case tt.field == "" && got.Limit == 0:
			t.Errorf("Check(%+v) left the limit 0", tt.q)
		case tt.field != "" && (!errors.As(err, &qe) || qe.Field != tt.field || !errors.Is(err, ErrRunQuery)):
			t.Errorf("Check(%+v): %v; want a RunQueryError of %s", tt.q, err, tt.field)
		}
	}
}

func TestLowerASCII(t *testing.T) {
	for in, want := range map[string]string{"": "", "abc": "abc", "GPT-4.1": "gpt-4.1", "ÉCOLE": "École", "mIxÉd": "mixÉd"} {
		if got := LowerASCII(in); got != want {
			t.Errorf("LowerASCII(%q) = %q, want %q", in, got, want)
		}
	}
}
