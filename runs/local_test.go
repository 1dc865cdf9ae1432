package runs

import (
	"context"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/local"
	"github.com/maker-go/maker/local/localtest"
)

// tinyModelFile writes a random model of the local format and returns its
// local/ name.
func tinyModelFile(t *testing.T) string {
	return local.Prefix + "/" + localtest.Model{D: 16, L: 2, H: 2, T: 96, Seed: 3}.Path(t, "tiny")
}

// TestLocalSeed: --seed seeds a local model's sampling, so the same seed
// draws the same samples and another seed others.
func TestLocalSeed(t *testing.T) {
	name := tinyModelFile(t)
	draw := func(seed uint64) string {
		t.Helper()
		f := Flags{seed: seed}
		m, err := f.openOne(context.Background(), name, nil)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := m.(maker.BatchModel).GenerateBatch(context.Background(), maker.Request{
			Prompt: maker.Prompt{User: "3|none|[[3, 2, 1], [], []]"}, Temperature: 1, MaxTokens: 30, Step: 2}, 4)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, r := range rs {
			texts = append(texts, r.Text)
		}
		return strings.Join(texts, "\x00")
	}
	if a, b := draw(5), draw(5); a != b {
		t.Fatalf("--seed 5 drew different samples:\n%q\n%q", a, b)
	}
	if draw(5) == draw(6) {
		t.Fatal("--seed 5 and --seed 6 drew the same samples")
	}
}

// TestLocalRunsAreOrdered: a local model's samples depend only on the
// seed, the step and the sample index, as the simulator's do, so the
// engine tallies them in launch order and a seeded run is the same run
// whatever the timing.
func TestLocalRunsAreOrdered(t *testing.T) {
	for _, tc := range []struct {
		model   string
		ordered bool
	}{
		{"sim", true},
		{"local/h128s1", true},
		{"local/a,local/b", true},
		{"sim/x,local/a", true},
		{"openai/gpt-4.1-mini", false},
		{"local/a,openai/gpt-4.1-mini", false},
	} {
		f := Flags{model: tc.model, maxSamples: 10}
		if got := f.config(3).Ordered; got != tc.ordered {
			t.Errorf("--model %s: ordered %v, want %v", tc.model, got, tc.ordered)
		}
	}
}
