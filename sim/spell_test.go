package sim

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

type fixedOracle string

func (o fixedOracle) Answer(maker.Prompt) (maker.Answer, error) {
	return maker.Answer{Right: string(o)}, nil
}

// TestSpellings: with spellings on, right answers come in several
// spellings that all mean the same; with bad_json on, JSON answers come
// broken; with neither, every right answer is the oracle's text.
func TestSpellings(t *testing.T) {
	const right = `{"action":"deposit 1.5 bank","state":{"bank":1.5,"card":0.25,"cash":0,"step":3,"tags":["a","b"]}}`
	canon, err := maker.CanonicalJSON(right)
	if err != nil {
		t.Fatal(err)
	}
	sample := func(name string, n int) []string {
		cfg, err := ParseName(name, DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		cfg.ErrorRate = 0
		m, err := New(fixedOracle(right), cfg)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for i := 0; i < n; i++ {
			r, err := m.Generate(context.Background(), maker.Request{Step: i / 5, Sample: i % 5})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r.Text)
		}
		return out
	}
	distinct := map[string]bool{}
	zeros := false
	for _, text := range sample("sim/real?spellings=1", 200) {
		distinct[text] = true
		zeros = zeros || strings.Contains(text, "1.50")
		if got, err := maker.CanonicalJSON(text); err != nil || got != canon {
			t.Fatalf("spelling %q means %q (%v), not %q", text, got, err, canon)
		}
	}
	if len(distinct) < 20 || !zeros {
		t.Errorf("%d distinct spellings in 200 answers (1.50 seen: %v), want many", len(distinct), zeros)
	}
	for _, text := range sample("sim/real?bad_json=1", 50) {
		if json.Valid([]byte(text)) {
			t.Fatalf("bad_json=1 wrote valid JSON %q", text)
		}
	}
	for _, text := range sample("sim/real", 50) {
		if text != right {
			t.Fatalf("without spellings the answer is %q, want the oracle's", text)
		}
	}
	if got := respell("action: add 2.5\ntotal: 3.25", newRand(1)); !strings.HasPrefix(got, "action: add 2.5") || !strings.Contains(got, "total: 3.25") {
		t.Errorf("text respelled as %q", got)
	}
	if _, err := ParseName("sim/real?spellings=1.5", DefaultConfig()); err == nil || !strings.Contains(err.Error(), "parameter spellings") {
		t.Errorf("spellings=1.5: %v", err)
	}
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }
