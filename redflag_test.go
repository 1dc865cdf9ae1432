package maker_test

import (
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

func TestRedFlags(t *testing.T) {
	rf, err := maker.NewRedFlags(0, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	good := "move = [1, 0, 1]\nnext_state = [[2], [1], []]"
	tests := []struct {
		name string
		resp maker.Response
		want maker.Flag
	}{
		{"valid", maker.Response{Text: good, OutputTokens: 300, Finish: maker.FinishStop}, maker.FlagNone},
		{"at the limit is fine", maker.Response{Text: good, OutputTokens: 750}, maker.FlagNone},
		{"over the limit", maker.Response{Text: good, OutputTokens: 751}, maker.FlagTooLong},
		{"cut off", maker.Response{Text: good, OutputTokens: 700, Finish: maker.FinishLength}, maker.FlagTruncated},
		{"too short", maker.Response{Text: "  ok  ", OutputTokens: 2}, maker.FlagTooShort},
		{"refusal", maker.Response{Text: "I'm sorry, but I can't help with that puzzle.", OutputTokens: 20}, maker.FlagRefusal},
		{"refusal after markup", maker.Response{Text: "**I cannot** do this", OutputTokens: 20}, maker.FlagRefusal},
		{"reasoning that mentions cannot", maker.Response{Text: "Disk 3 cannot go on disk 1, so " + good, OutputTokens: 200}, maker.FlagNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rf.Check(tt.resp); got != tt.want {
				t.Fatalf("Check = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRedFlagsConfig(t *testing.T) {
	if _, err := maker.NewRedFlags(0, 0, []string{"("}); err == nil || !strings.Contains(err.Error(), "refusal pattern") {
		t.Fatalf("bad pattern: err = %v", err)
	}
	if _, err := maker.NewRedFlags(-1, 0, nil); err == nil {
		t.Fatal("negative max tokens accepted")
	}
	rf, err := maker.NewRedFlags(100, 3, []string{})
	if err != nil {
		t.Fatal(err)
	}
	if got := rf.Check(maker.Response{Text: "I cannot", OutputTokens: 5}); got != maker.FlagNone {
		t.Fatalf("with no refusal patterns, got %q", got)
	}
	if got := rf.Check(maker.Response{Text: "fine answer", OutputTokens: 101}); got != maker.FlagTooLong {
		t.Fatalf("custom limit: got %q", got)
	}
}
