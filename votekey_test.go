package maker_test

import (
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

func TestCanonicalNumber(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1.5", "1.5"}, {"1.50", "1.5"}, {"+1.5", "1.5"}, {"15e-1", "1.5"}, {"0.15E1", "1.5"},
		{"-0", "0"}, {"-0.000", "0"}, {"007", "7"}, {".5", "0.5"}, {"100", "100"}, {"1e2", "100"},
		{"9007199254740993", "9007199254740993"}, {"9007199254740992", "9007199254740992"},
		{"1e21", "1e21"}, {"123e19", "1.23e21"}, {"0.000001", "0.000001"}, {"0.0000001", "1e-7"}, {"-2.50e-8", "-2.5e-8"},
	} {
		got, err := maker.CanonicalNumber(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("CanonicalNumber(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "-", "1.2.3", "1e", "e5", "1e999999999", "abc", "1,5", "0x10"} {
		if got, err := maker.CanonicalNumber(bad); err == nil {
			t.Errorf("CanonicalNumber(%q) = %q, want an error", bad, got)
		}
	}
}

func TestCanonicalJSON(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"b": 1.50, "a": [1, 2]}`, `{"a":[1,2],"b":1.5}`},
		{"{\n  \"a\" : {\"y\":true,\"x\":null}\n}", `{"a":{"x":null,"y":true}}`},
		{`"caf\u00e9 <b>"`, `"café <b>"`},
		{`  [ ]  `, `[]`},
		{`{"a  b": "x  y"}`, `{"a  b":"x  y"}`},
	} {
		got, err := maker.CanonicalJSON(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("CanonicalJSON(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{``, `{`, `{"a":1} {"a":1}`, `{"a":1,"a":2}`, `[1,]`, `move 3`, `{"a":1e999999999}`} {
		if got, err := maker.CanonicalJSON(bad); err == nil {
			t.Errorf("CanonicalJSON(%q) = %q, want an error", bad, got)
		}
	}
}

func TestNumberGrid(t *testing.T) {
	g, err := maker.NewNumberGrid("0.01")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, want string }{
		{"1.5", "1.5"}, {"1.504", "1.5"}, {"1.505", "1.51"}, {"-1.505", "-1.51"}, {"-0.004", "0"},
		{"0.0049", "0"}, {"0.0051", "0.01"}, {"1e-2000", "0"}, {"1e2000", "1e2000"}, {"12", "12"},
	} {
		got, err := g.Key(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Key(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	g5, err := maker.NewNumberGrid("5")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := g5.Key("12.4"); got != "10" {
		t.Errorf("grid 5: Key(12.4) = %q, want 10", got)
	}
	for _, bad := range []string{"0", "-0.1", "x", "1e-40", "1e40"} {
		if _, err := maker.NewNumberGrid(bad); err == nil {
			t.Errorf("NewNumberGrid(%q): want an error", bad)
		}
	}
}

// Numbers a whole tolerance apart never share a key, whatever their
// position on the grid.
func TestNumberGridNeverMergesFarNumbers(t *testing.T) {
	g, _ := maker.NewNumberGrid("0.25")
	for i := -400; i < 400; i++ {
		a := float64(i) / 97
		x, _ := g.Key(strings.TrimRight(strings.TrimRight(formatF(a), "0"), "."))
		y, _ := g.Key(formatF(a + 0.25))
		if x == y {
			t.Fatalf("%v and %v are 0.25 apart but share the key %s", a, a+0.25, x)
		}
	}
}

func formatF(f float64) string { return strings.TrimSpace(strings.Replace(fmtG(f), "+", "", 1)) }

func TestReplaceNumbers(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"total: 1.50 USD", "total: 1.5 USD"},
		{"pay 007 to bob, 2.0.", "pay 7 to bob, 2."},
		{"v1.2.3 and 1.2.3", "v1.2.3 and 1.2.3"},
		{"disk3 x2 3x", "disk3 x2 3x"},
		{"-0.50 and +3", "-0.5 and 3"},
	} {
		if got := maker.ReplaceNumbers(tc.in, maker.CanonicalNumber); got != tc.want {
			t.Errorf("ReplaceNumbers(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
