package requirements

import (
	"errors"
	"testing"
)

func TestParseIsStrict(t *testing.T) {
	task, err := New("Build a URL shortener", Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		text string
		kind Kind // "" when the answer must be rejected
		gate Gate
	}{
		{"purpose", "purpose = Let a client turn a long URL into a short code that redirects to it.", KindPurposeProposal, ""},
		{"purpose with space around", "\n purpose = Let a client turn a long URL into a short code that redirects to it.\n", KindPurposeProposal, ""},
		{"purpose with a second line", "purpose = Let a client turn a long URL into a short code.\nThat is all.", "", GateFormat},
		{"vague purpose", "purpose = A modern, robust and user-friendly link management solution.", "", GateVague},
		{"choice", "choice = 2\npurpose = Shorten URLs for clients over HTTP right now.", KindPurposeChoice, ""},
		{"choice zero", "choice = 0\npurpose = Shorten URLs for clients over HTTP right now.", "", GateFormat},
		{"choice in words", "choice = two\npurpose = Shorten URLs for clients over HTTP right now.", "", GateFormat},
		{"choice without the copy", "choice = 2", "", GateFormat},
		{"features", "features:\n- shorten-url: Create a short code for a long URL.\n- redirect: Send whoever opens it on.", KindFeatureProposal, ""},
		{"features with a bad id", "features:\n- Shorten URL: Create a short code.", "", GateFormat},
		{"features repeated", "features:\n- redirect: a.\n- redirect: b.", "", GateFormat},
		{"too many features", "features:\n- a: x\n- b: x\n- c: x\n- d: x\n- e: x\n- f: x\n- g: x\n- h: x\n- i: x", "", GateTooLong},
		{"scope", "feature = webhooks\ndecision = NON-GOAL\nreason = Nobody asked for it.", KindScope, ""},
		{"scope in lower case", "feature = webhooks\ndecision = non-goal\nreason = Nobody asked for it.", "", GateFormat},
		{"scope without a reason", "feature = webhooks\ndecision = IN", "", GateFormat},
		{"scope with a long reason", "feature = webhooks\ndecision = IN\nreason = " + words(31), "", GateTooLong},
		{"criteria", "feature = redirect\ncriteria:\n- WHEN anyone GETs /abc THEN the API returns 301", KindCriteria, ""},
		{"criteria with a vague one", "feature = redirect\ncriteria:\n- WHEN anyone GETs /abc THEN the API returns 301\n- The API should be fast.", "", GateVague},
		{"criteria without bullets", "feature = redirect\ncriteria:\nWHEN anyone GETs /abc THEN the API returns 301", "", GateFormat},
		{"criteria repeated", "feature = redirect\ncriteria:\n- WHEN anyone GETs /abc THEN the API returns 301\n- WHEN anyone GETs /abc THEN the API returns 301", "", GateFormat},
		{"no criteria", "feature = redirect\ncriteria:", "", GateFormat},
		{"chatter", "Sure! Here is my answer.", "", GateFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := task.Parse(tc.text)
			if tc.kind == "" {
				if err == nil {
					t.Fatalf("accepted: %+v", c.State.Last)
				}
				if GateOf(err) != tc.gate || !errors.Is(err, ErrGate) {
					t.Fatalf("gate %q (%v), want %q", GateOf(err), err, tc.gate)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.State.Last == nil || c.State.Last.Kind != tc.kind {
				t.Fatalf("parsed %+v, want a %s item", c.State.Last, tc.kind)
			}
		})
	}
}

func words(n int) string {
	s := "word"
	for i := 1; i < n; i++ {
		s += " word"
	}
	return s + "."
}

// TestKey: answers that mean the same share a key, and answers that differ
// do not.
func TestKey(t *testing.T) {
	task, _ := New("Build a URL shortener", Options{})
	key := func(text string) string {
		t.Helper()
		c, err := task.Parse(text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		return task.Key(c)
	}
	same := [][2]string{
		{"feature = redirect\ndecision = IN\nreason = It is the point.", "feature = redirect\ndecision = IN\nreason = Without it nothing works."},
		{"feature = redirect\ncriteria:\n- WHEN a GET THEN it returns 301\n- WHEN b GET THEN it returns 404",
			"feature = redirect\ncriteria:\n- WHEN b GET  THEN it returns 404\n- WHEN a GET THEN it Returns 301"},
		{"choice = 1\npurpose = Shorten URLs for clients over HTTP right now.", "choice = 1\npurpose = shorten URLs for  clients over HTTP right now."},
	}
	for _, p := range same {
		if key(p[0]) != key(p[1]) {
			t.Errorf("keys differ:\n%q\n%q", p[0], p[1])
		}
	}
	differ := [][2]string{
		{"feature = redirect\ndecision = IN\nreason = x.", "feature = redirect\ndecision = NON-GOAL\nreason = x."},
		{"feature = redirect\ndecision = IN\nreason = x.", "feature = webhooks\ndecision = IN\nreason = x."},
		{"feature = redirect\ncriteria:\n- WHEN a GET THEN it returns 301", "feature = redirect\ncriteria:\n- WHEN a GET THEN it returns 302"},
		{"choice = 1\npurpose = Shorten URLs for clients over HTTP right now.", "choice = 2\npurpose = Shorten URLs for clients over HTTP right now."},
		{"choice = 1\npurpose = Shorten URLs for clients over HTTP right now.", "choice = 1\npurpose = Shorten URLs and show click analytics to clients."},
	}
	for _, p := range differ {
		if key(p[0]) == key(p[1]) {
			t.Errorf("same key for\n%q\n%q", p[0], p[1])
		}
	}
}

// TestRequestWordsAreNotOffPurpose: a criterion may use the words of the
// request, even when they are a catalogue feature's.
func TestRequestWordsAreNotOffPurpose(t *testing.T) {
	const answer = "feature = send-mail\ncriteria:\n- WHEN a client POSTs /messages THEN the API returns 202 and the email is queued"
	mail, _ := New("Build an email client", Options{})
	if _, err := mail.Parse(answer); err != nil {
		t.Errorf("the request names email, yet: %v", err)
	}
	short, _ := New("Build a URL shortener", Options{})
	if _, err := short.Parse(answer); GateOf(err) != GateOffPurpose {
		t.Errorf("the request does not name email, yet: %v", err)
	}
	if len(mail.Catalogue()) != len(short.Catalogue()) || len(mail.Catalogue().mustLookup(t, "notifications").Keywords) != len(short.Catalogue().mustLookup(t, "notifications").Keywords) {
		t.Error("the gates' copy of the catalogue changed the task's catalogue")
	}
}

func (c Catalogue) mustLookup(t *testing.T, id string) Feature {
	t.Helper()
	f, ok := c.Lookup(id)
	if !ok {
		t.Fatalf("no %s in the catalogue", id)
	}
	return f
}
