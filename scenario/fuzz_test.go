package scenario

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

// FuzzParseAnswer: any text gives a non-empty one-line action and
// expectation, or [maker.ErrMalformed]; what parses, written back by
// Render, parses to the same pair.
func FuzzParseAnswer(f *testing.F) {
	for _, s := range []string{
		Render(Lead, "start t01 name=ann", "running=t01"),
		"action = await t05\nexpected = running=none",
		"ACTION = x\r\nExpected = y\r\n",
		"action =\nexpected = y",
		"the action = x\nexpected = y",
		"action = a\nexpected = b\naction = c",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		a, e, err := ParseAnswer(text)
		if err != nil {
			if !errors.Is(err, maker.ErrMalformed) {
				t.Fatalf("ParseAnswer(%q) = %v, not ErrMalformed", text, err)
			}
			return
		}
		if a == "" || e == "" || strings.ContainsAny(a+e, "\n") || a != strings.TrimSpace(a) || e != strings.TrimSpace(e) {
			t.Fatalf("ParseAnswer(%q) = %q, %q", text, a, e)
		}
		a2, e2, err := ParseAnswer(Render(Lead, a, e))
		if err != nil || a2 != a || e2 != e {
			t.Fatalf("round trip of %q, %q: %q, %q, %v", a, e, a2, e2, err)
		}
	})
}

// FuzzParseStep: the policy-step parser with the task grammar of a
// canonical action; a parsed step's key does not depend on the spacing of
// its action, and errors are ErrMalformed.
func FuzzParseStep(f *testing.F) {
	f.Add("lead\naction = go  1\nexpected = at=1")
	f.Add("action = go\nexpected = at=x")
	f.Add("action = stop 1\nexpected =")
	grammar := func(s string) (string, error) {
		w := strings.Fields(s)
		if len(w) != 2 || w[0] != "go" {
			return "", maker.ErrMalformed
		}
		if _, err := Atoi(w[1]); err != nil {
			return "", err
		}
		return strings.Join(w, " "), nil
	}
	expect := func(s string) (string, error) {
		if !strings.HasPrefix(s, "at=") {
			return "", maker.ErrMalformed
		}
		return s, nil
	}
	f.Fuzz(func(t *testing.T, text string) {
		a, e, err := ParseStep(text, grammar, expect)
		if err != nil {
			if !errors.Is(err, maker.ErrMalformed) {
				t.Fatalf("ParseStep(%q) = %v, not ErrMalformed", text, err)
			}
			return
		}
		spaced := strings.ReplaceAll(a, " ", " \t ")
		a2, e2, err := ParseStep(Render(Lead, spaced, e), grammar, expect)
		if err != nil || Key(a2, e2) != Key(a, e) {
			t.Fatalf("%q: key %q, respaced %q, %v", text, Key(a, e), Key(a2, e2), err)
		}
	})
}

// FuzzLists: the list, count and integer parsers accept only what their
// formatters write back the same, and reject the rest as ErrMalformed.
func FuzzLists(f *testing.F) {
	for _, s := range []string{"[]", "[a, b]", "[a:1, b:2]", "[a,,b]", "[[a]]", "[a:01]", "7", "007", "-1", "[a b]", "[ a ]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		check := func(what string, err error) bool {
			if err != nil && !errors.Is(err, maker.ErrMalformed) {
				t.Fatalf("%s(%q) = %v, not ErrMalformed", what, s, err)
			}
			return err == nil
		}
		if l, err := ParseList(s); check("ParseList", err) {
			back, err := ParseList(FormatList(l))
			if err != nil || !slices.Equal(back, l) {
				t.Fatalf("ParseList(%q) = %q, which does not round-trip: %q, %v", s, l, back, err)
			}
		}
		if c, err := ParseCounts(s); check("ParseCounts", err) {
			back, err := ParseCounts(FormatCounts(c))
			if err != nil || FormatCounts(back) != FormatCounts(c) {
				t.Fatalf("ParseCounts(%q) = %v, which does not round-trip: %v, %v", s, c, back, err)
			}
		}
		if n, err := Atoi(s); check("Atoi", err) && strconv.Itoa(n) != s {
			t.Fatalf("Atoi(%q) = %d", s, n)
		}
	})
}

// FuzzDecode: the instance loader accepts one JSON value of the known
// fields and nothing else, and what it accepts encodes and decodes back to
// the same value; everything else is ErrInstance.
func FuzzDecode(f *testing.F) {
	type inst struct {
		Name  string         `json:"name"`
		N     int            `json:"n"`
		Items []string       `json:"items"`
		Map   map[string]int `json:"map"`
	}
	for _, s := range []string{`{"name":"a","n":1,"items":["x"],"map":{"k":2}}`, `{}`, `{"n":1}{"n":2}`, `{"n":1} x`, `{"m":1}`, ``, `null`, `{"n":1e400}`, "\xef\xbb\xbf{}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v inst
		if err := Decode(bytes.NewReader(b), &v); err != nil {
			if !errors.Is(err, ErrInstance) {
				t.Fatalf("Decode(%q) = %v, not ErrInstance", b, err)
			}
			return
		}
		var enc bytes.Buffer
		if err := Encode(&enc, v); err != nil {
			t.Fatal(err)
		}
		var back inst
		if err := Decode(&enc, &back); err != nil {
			t.Fatalf("Decode(%q) accepted, but its encoding %q is rejected: %v", b, enc.String(), err)
		}
		if !equalJSON(t, v, back) {
			t.Fatalf("Decode(%q) = %+v, round trip %+v", b, v, back)
		}
	})
}

func equalJSON(t *testing.T, a, b any) bool {
	var x, y bytes.Buffer
	if err := Encode(&x, a); err != nil {
		t.Fatal(err)
	}
	if err := Encode(&y, b); err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x.Bytes(), y.Bytes())
}
