package deps

import (
	"fmt"
	"io"

	"github.com/maker-go/maker/scenario"
)

// DefaultSize and LargeSize are the module counts of the generated
// instances: a quick run and a long one.
const (
	DefaultSize = 12
	LargeSize   = 10000
	// MaxSize bounds generated and loaded instances.
	MaxSize = 1_000_000
)

// Module is one module of an instance file: its name and the modules it
// needs built first.
type Module struct {
	Name string   `json:"name"`
	Deps []string `json:"deps"`
}

// Instance is a module graph, as stored in an instance file:
//
//	{"modules": [{"name": "core", "deps": []}, {"name": "api", "deps": ["core"]}]}
type Instance struct {
	Modules []Module `json:"modules"`
}

// Graph validates the instance and returns its dependency graph. Errors
// wrap [scenario.ErrInstance] and name the culprit: an unknown dependency,
// a duplicate module, or the whole of a cycle.
func (in *Instance) Graph() (*scenario.Graph, error) {
	if len(in.Modules) > MaxSize {
		return nil, fmt.Errorf("%w: %d modules, at most %d", scenario.ErrInstance, len(in.Modules), MaxSize)
	}
	names := make([]string, len(in.Modules))
	deps := make(map[string][]string, len(in.Modules))
	for i, m := range in.Modules {
		names[i] = m.Name
		deps[m.Name] = append(deps[m.Name], m.Deps...)
	}
	return scenario.NewGraph("module", names, deps)
}

// Load reads and validates an instance file.
func Load(path string) (*Instance, error) { return scenario.Load(path, checkGraph) }

// Read is [Load] from a reader.
func Read(r io.Reader) (*Instance, error) { return scenario.Read(r, checkGraph) }

// checkGraph is [Instance.Graph] as a validation: the graph is built again
// by New.
func checkGraph(in *Instance) error {
	_, err := in.Graph()
	return err
}

// Generate returns a random acyclic module graph of n modules for a seed.
// Modules are created in a hidden order and each depends on one to three
// earlier ones, so the graph is acyclic by construction. Up to
// len(Words) modules take plain names; larger graphs group modules in
// blocks of ten named "b0042-auth", each depending on the twenty modules
// before it, which keeps the ready list (and so the state) short at any
// size while the tie-break still decides the order inside a block.
func Generate(n int, seed uint64) (*Instance, error) {
	if n < 1 || n > MaxSize {
		return nil, fmt.Errorf("deps: size must be between 1 and %d, got %d", MaxSize, n)
	}
	rng := scenario.Rand(seed, 0xdeb5)
	names := make([]string, n)
	window := n
	if n <= len(scenario.Words) {
		perm := rng.Perm(len(scenario.Words))
		for i := range n {
			names[i] = scenario.Words[perm[i]]
		}
	} else {
		const block = 10
		window = 2 * block
		width := len(fmt.Sprint((n - 1) / block))
		var perm []int
		for i := range n {
			if i%block == 0 {
				perm = rng.Perm(len(scenario.Words))
			}
			names[i] = fmt.Sprintf("b%0*d-%s", width, i/block, scenario.Words[perm[i%block]])
		}
	}
	roots := max(1, min(3, n/4))
	in := &Instance{Modules: make([]Module, n)}
	for i := range n {
		m := Module{Name: names[i], Deps: []string{}}
		if i >= roots {
			lo := max(0, i-window)
			want := 1 + rng.IntN(3)
			picked := map[int]bool{}
			for range want {
				j := lo + rng.IntN(i-lo)
				if !picked[j] {
					picked[j] = true
					m.Deps = append(m.Deps, names[j])
				}
			}
		}
		in.Modules[i] = m
	}
	// Shuffle the listing so the file does not give the hidden order away.
	rng.Shuffle(n, func(a, b int) { in.Modules[a], in.Modules[b] = in.Modules[b], in.Modules[a] })
	return in, nil
}
