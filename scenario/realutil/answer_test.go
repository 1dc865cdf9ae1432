package realutil

import (
	"errors"
	"testing"
)

func TestParseAnswer(t *testing.T) {
	tests := []struct {
		name, text     string
		action, expect string
		bad            bool
	}{
		{"plain", "action = start t01 name=ann\nexpected = running=t01", "start t01 name=ann", "running=t01", false},
		{"lead and case", "I start it.\nACTION = await t02\nExpected = running=none", "await t02", "running=none", false},
		{"last wins", "action = x\nexpected = y\naction = skip t03\nexpected = running=t01", "skip t03", "running=t01", false},
		{"no action", "expected = running=t01", "", "", true},
		{"no expected", "action = start t01", "", "", true},
		{"empty action", "action =\nexpected = running=t01", "", "", true},
		{"empty expected", "action = start t01\nexpected =   ", "", "", true},
		{"inline label", "the action = start t01\nexpected = y", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, e, err := ParseAnswer(tt.text)
			if tt.bad {
				if !errors.Is(err, ErrFormat) {
					t.Fatalf("ParseAnswer = %q, %q, %v; want ErrFormat", a, e, err)
				}
				return
			}
			if err != nil || a != tt.action || e != tt.expect {
				t.Fatalf("ParseAnswer = %q, %q, %v; want %q, %q", a, e, err, tt.action, tt.expect)
			}
		})
	}
}

func TestRenderParsesBack(t *testing.T) {
	a, e, err := ParseAnswer(Render("Following the procedure.", "start t01 name=ann", "running=t01"))
	if err != nil || a != "start t01 name=ann" || e != "running=t01" {
		t.Fatalf("round trip = %q, %q, %v", a, e, err)
	}
}

func TestCanon(t *testing.T) {
	if got := Canon("  start   t01\tname=ann "); got != "start t01 name=ann" {
		t.Fatalf("Canon = %q", got)
	}
}
