package scenario

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/maker-go/maker"
)

func TestField(t *testing.T) {
	text := "Format: step = <x>\nthinking...\n  step =  b2 \nstep= c3\nmystep = zz"
	got, err := Field(text, "step")
	if err != nil || got != "c3" {
		t.Errorf("Field = %q, %v; want the last own-line occurrence c3", got, err)
	}
	if _, err := Field("the step = 3 inline", "step"); !errors.Is(err, maker.ErrMalformed) {
		t.Errorf("inline occurrence accepted: %v", err)
	}
	if got, _ := Field("STEP = x\r\n", "step"); got != "x" {
		t.Errorf("case-insensitive key with CRLF: %q", got)
	}
}

func TestLists(t *testing.T) {
	good := []struct {
		in   string
		want string
	}{
		{"[]", "[]"},
		{"[ ]", "[]"},
		{"[b, a]", "[b, a]"},
		{"[a,b]", "[a, b]"},
	}
	for _, g := range good {
		l, err := ParseList(g.in)
		if err != nil || FormatList(l) != g.want {
			t.Errorf("ParseList(%q) = %v, %v", g.in, l, err)
		}
	}
	for _, b := range []string{"a, b", "[a, b", "[a,,b]", "[a, ]", "[a, a]", "[[a]]", "[a b]", "[a:1]", "(a)"} {
		if _, err := ParseList(b); !errors.Is(err, maker.ErrMalformed) {
			t.Errorf("ParseList(%q) accepted", b)
		}
	}
	c, err := ParseCounts("[b:2, a : 1]")
	if err != nil || FormatCounts(c) != "[a:1, b:2]" || CompactCounts(c) != "[a:1,b:2]" {
		t.Errorf("ParseCounts: %v, %v", c, err)
	}
	for _, b := range []string{"[a]", "[a:0]", "[a:-1]", "[a:01]", "[a:1, a:2]", "[a:1.5]", "[a:+1]"} {
		if _, err := ParseCounts(b); !errors.Is(err, maker.ErrMalformed) {
			t.Errorf("ParseCounts(%q) accepted", b)
		}
	}
}

// TestListRoundTrip: any list of valid, distinct names survives formatting
// and strict parsing unchanged.
func TestListRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		names := rapid.SliceOfDistinct(rapid.StringMatching(`[a-z0-9][a-z0-9._/-]{0,12}`), func(s string) string { return s }).Draw(t, "names")
		got, err := ParseList(FormatList(names))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, ",") != strings.Join(names, ",") {
			t.Fatalf("round trip %v -> %v", names, got)
		}
	})
}

func TestGraphCycleIsNamed(t *testing.T) {
	// x leads into the cycle b -> c -> d -> b; the message names the cycle
	// only, not the way in.
	_, err := NewGraph("module", []string{"x", "b", "c", "d"}, map[string][]string{"x": {"b"}, "b": {"c"}, "c": {"d"}, "d": {"b"}})
	if err == nil || !strings.Contains(err.Error(), ": b -> c -> d -> b") || !errors.Is(err, ErrInstance) {
		t.Errorf("got %v", err)
	}
	// A 20,000-long chain is no cycle and does not exhaust the stack.
	names := make([]string, 20000)
	deps := map[string][]string{}
	for i := range names {
		names[i] = fmt.Sprintf("m%05d", i)
		if i > 0 {
			deps[names[i]] = []string{names[i-1]}
		}
	}
	g, err := NewGraph("module", names, deps)
	if err != nil {
		t.Fatal(err)
	}
	if o := g.Order(); len(o) != len(names) || o[0] != names[0] || o[len(o)-1] != names[len(names)-1] {
		t.Errorf("chain order wrong")
	}
}

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
				if !errors.Is(err, maker.ErrMalformed) {
					t.Fatalf("ParseAnswer = %q, %q, %v; want ErrMalformed", a, e, err)
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
