package scenutil

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestField(t *testing.T) {
	text := "Format: step = <x>\nthinking...\n  step =  b2 \nstep= c3\nmystep = zz"
	got, err := Field(text, "step")
	if err != nil || got != "c3" {
		t.Errorf("Field = %q, %v; want the last own-line occurrence c3", got, err)
	}
	if _, err := Field("the step = 3 inline", "step"); !errors.Is(err, ErrFormat) {
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
		if _, err := ParseList(b); !errors.Is(err, ErrFormat) {
			t.Errorf("ParseList(%q) accepted", b)
		}
	}
	c, err := ParseCounts("[b:2, a : 1]")
	if err != nil || FormatCounts(c) != "[a:1, b:2]" || CompactCounts(c) != "[a:1,b:2]" {
		t.Errorf("ParseCounts: %v, %v", c, err)
	}
	for _, b := range []string{"[a]", "[a:0]", "[a:-1]", "[a:01]", "[a:1, a:2]", "[a:1.5]", "[a:+1]"} {
		if _, err := ParseCounts(b); !errors.Is(err, ErrFormat) {
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

func TestDecode(t *testing.T) {
	var v struct {
		A int `json:"a"`
	}
	for _, bad := range []string{`{"a":1}{"a":2}`, `{"b":1}`, `{"a":"x"}`, ``, `{"a":1} x`} {
		if err := Decode(strings.NewReader(bad), &v); !errors.Is(err, ErrInstance) {
			t.Errorf("Decode(%q) = %v", bad, err)
		}
	}
	if err := Decode(strings.NewReader(" {\"a\": 3}\n"), &v); err != nil || v.A != 3 {
		t.Errorf("good input: %v, %v", v, err)
	}
}
