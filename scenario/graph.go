package scenario

import (
	"fmt"
	"sort"
	"strings"
)

// Graph is a dependency graph: every item names the items it needs first.
// It is built once from an instance and never changes during a run.
type Graph struct {
	// Names in byte order.
	Names []string
	// Deps[x] are the items x needs, sorted.
	Deps map[string][]string
	// Dependents[x] are the items that need x, sorted.
	Dependents map[string][]string
}

// NewGraph validates the items (kind names them in errors: "module",
// "resource") and indexes them. It rejects an invalid or duplicate name, a
// dependency on an unknown item or on itself, a dependency listed twice,
// and a cycle, which it names in full: "a -> b -> c -> a".
func NewGraph(kind string, names []string, deps map[string][]string) (*Graph, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: no %ss", ErrInstance, kind)
	}
	g := &Graph{Deps: make(map[string][]string, len(names)), Dependents: make(map[string][]string, len(names))}
	for _, n := range names {
		if err := CheckName(n); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrInstance, kind, err)
		}
		if _, dup := g.Deps[n]; dup {
			return nil, fmt.Errorf("%w: %s %s is defined twice", ErrInstance, kind, n)
		}
		g.Deps[n] = nil
	}
	for _, n := range names {
		seen := map[string]bool{}
		for _, d := range deps[n] {
			switch _, known := g.Deps[d]; {
			case d == n:
				return nil, fmt.Errorf("%w: %s %s depends on itself", ErrInstance, kind, n)
			case !known:
				return nil, fmt.Errorf("%w: %s %s depends on unknown %s %q", ErrInstance, kind, n, kind, d)
			case seen[d]:
				return nil, fmt.Errorf("%w: %s %s lists dependency %s twice", ErrInstance, kind, n, d)
			}
			seen[d] = true
		}
		g.Deps[n] = Sorted(deps[n])
		for _, d := range deps[n] {
			g.Dependents[d] = append(g.Dependents[d], n)
		}
	}
	for d := range deps {
		if _, known := g.Deps[d]; !known {
			return nil, fmt.Errorf("%w: dependencies given for unknown %s %q", ErrInstance, kind, d)
		}
	}
	for _, ds := range g.Dependents {
		sort.Strings(ds)
	}
	g.Names = Sorted(names)
	if cyc := g.findCycle(); cyc != nil {
		return nil, fmt.Errorf("%w: dependency cycle among %ss: %s", ErrInstance, kind, strings.Join(cyc, " -> "))
	}
	return g, nil
}

// findCycle returns one cycle as a path that ends where it starts, or nil.
// It is an iterative depth-first search, so a 10,000-item chain does not
// exhaust the stack.
func (g *Graph) findCycle() []string {
	const (
		white = iota
		grey
		black
	)
	color := make(map[string]int, len(g.Names))
	type frame struct {
		name string
		next int
	}
	for _, root := range g.Names {
		if color[root] != white {
			continue
		}
		stack := []frame{{name: root}}
		color[root] = grey
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			deps := g.Deps[top.name]
			if top.next == len(deps) {
				color[top.name] = black
				stack = stack[:len(stack)-1]
				continue
			}
			d := deps[top.next]
			top.next++
			switch color[d] {
			case grey:
				// The path from d's frame to the top, then d again, reads
				// "x depends on y" left to right.
				var cyc []string
				for i := range stack {
					if stack[i].name == d {
						for _, f := range stack[i:] {
							cyc = append(cyc, f.name)
						}
						break
					}
				}
				return append(cyc, d)
			case white:
				color[d] = grey
				stack = append(stack, frame{name: d})
			}
		}
	}
	return nil
}

// Roots are the items with no dependencies, sorted: the first ready set.
func (g *Graph) Roots() []string {
	var out []string
	for _, n := range g.Names {
		if len(g.Deps[n]) == 0 {
			out = append(out, n)
		}
	}
	return out
}

// Frontier is the part of Kahn's algorithm a model carries: the items
// whose dependencies are all finished and that have not been taken yet,
// and, for items with some but not all dependencies finished, how many are
// still unfinished. Items with no dependency finished yet are in neither:
// their count is their number of dependencies, which the prompt states.
type Frontier struct {
	Ready   []string       `json:"ready"`   // sorted
	Waiting map[string]int `json:"waiting"` // name -> unfinished dependencies (>= 1)
}

// Clone returns a deep copy.
func (f Frontier) Clone() Frontier {
	c := Frontier{Ready: append([]string{}, f.Ready...), Waiting: make(map[string]int, len(f.Waiting))}
	for k, v := range f.Waiting {
		c.Waiting[k] = v
	}
	return c
}

// Equal reports whether two frontiers hold the same items and counts.
func (f Frontier) Equal(o Frontier) bool {
	if len(f.Ready) != len(o.Ready) || len(f.Waiting) != len(o.Waiting) {
		return false
	}
	a, b := Sorted(f.Ready), Sorted(o.Ready)
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	for k, v := range f.Waiting {
		if o.Waiting[k] != v {
			return false
		}
	}
	return true
}

// Take returns the frontier without x in the ready list (x taken: built,
// or started).
func (f Frontier) Take(x string) Frontier {
	c := f.Clone()
	c.Ready = c.Ready[:0]
	for _, r := range f.Ready {
		if r != x {
			c.Ready = append(c.Ready, r)
		}
	}
	return c
}

// Finish returns the frontier after x is finished: every item that needs x
// has one unfinished dependency fewer, and those with none left move to the
// ready list.
func (g *Graph) Finish(f Frontier, x string) Frontier {
	c := f.Clone()
	for _, d := range g.Dependents[x] {
		left, ok := c.Waiting[d]
		if !ok {
			left = len(g.Deps[d])
		}
		left--
		if left <= 0 {
			delete(c.Waiting, d)
			c.Ready = append(c.Ready, d)
		} else {
			c.Waiting[d] = left
		}
	}
	sort.Strings(c.Ready)
	return c
}

// Order is the order in which the rule "always take the ready item with the
// smallest name" finishes every item when each is finished as soon as it is
// taken: the reference solution of the dependency scenario.
func (g *Graph) Order() []string {
	f := Frontier{Ready: g.Roots(), Waiting: map[string]int{}}
	out := make([]string, 0, len(g.Names))
	for len(f.Ready) > 0 {
		x := f.Ready[0]
		out = append(out, x)
		f = g.Finish(f.Take(x), x)
	}
	return out
}
