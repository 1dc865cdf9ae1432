package local

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker/models/hanoitiny"
)

// golden is a file the trainer writes beside each model: inputs, the first
// logits of their last position in PyTorch, and the greedy continuation.
type golden struct {
	Model     string  `json:"model"`
	Tolerance float64 `json:"tolerance"`
	Cases     []struct {
		Input  []int     `json:"input"`
		Logits []float64 `json:"logits"`
		Greedy []int     `json:"greedy"`
	} `json:"cases"`
}

// TestGoldenLogits runs every committed model, as the binary carries it,
// on the trainer's golden inputs: the logits must agree with PyTorch's to
// the file's tolerance, and greedy decoding through the KV cache must
// write the same tokens.
func TestGoldenLogits(t *testing.T) {
	files, err := filepath.Glob("../models/hanoitiny/testdata/*.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no golden file is committed under models/hanoitiny/testdata")
	}
	committed := map[string]bool{}
	for _, name := range hanoitiny.Names() {
		committed[name] = true
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".golden.json")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var g golden
			if err := json.Unmarshal(b, &g); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if g.Tolerance <= 0 || g.Tolerance > 1e-3 || len(g.Cases) == 0 {
				t.Fatalf("%s: tolerance %g and %d cases", path, g.Tolerance, len(g.Cases))
			}
			if !committed[name] {
				t.Fatalf("models/hanoitiny has a golden file for %s but the binary carries no %s.safetensors", name, name)
			}
			weights, _ := hanoitiny.Weights(name)
			n, err := LoadNet(weights)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range g.Cases {
				if len(c.Input) == 0 || len(c.Input) >= n.T {
					t.Fatalf("case %d: %d input tokens", i, len(c.Input))
				}
				ws := &workspace{}
				cache := n.newCache()
				rows := make([]row, len(c.Input))
				for p, id := range c.Input {
					if id < 0 || id >= n.V {
						t.Fatalf("case %d: token %d", i, id)
					}
					rows[p] = row{c: cache, pos: p, tok: id}
				}
				logits := n.forward(ws, rows, len(rows)-1)
				for v, want := range c.Logits {
					if math.Abs(float64(logits[v])-want) > g.Tolerance {
						t.Errorf("case %d: logit %d = %.6f, PyTorch %.6f", i, v, logits[v], want)
					}
				}
				var got []int
				for pos := len(c.Input); len(got) < len(c.Greedy); pos++ {
					best := 0
					for v := range n.V {
						if logits[v] > logits[best] {
							best = v
						}
					}
					got = append(got, best)
					if best == n.eos || pos >= n.T {
						break
					}
					logits = n.forward(ws, []row{{c: cache, pos: pos, tok: best}}, 0)
				}
				if !equalInts(got, c.Greedy) {
					t.Errorf("case %d: greedy %q, PyTorch %q", i, newTokenizer(n).decode(got), newTokenizer(n).decode(c.Greedy))
				}
			}
		})
	}
}
