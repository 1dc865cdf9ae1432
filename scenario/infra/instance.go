package infra

import (
	"fmt"
	"io"
	"math"

	"github.com/maker-go/maker/scenario"
)

// Sizes of the generated instances, in resources.
const (
	DefaultSize = 20
	LargeSize   = 10000
	MaxSize     = 1_000_000
	// DefaultParallel is the provisioning limit when an instance leaves
	// max_parallel out.
	DefaultParallel = 3
	// MaxMinutes bounds one resource's provisioning time (a week).
	MaxMinutes = 7 * 24 * 60
)

// Resource is one resource of an instance file.
type Resource struct {
	Name string   `json:"name"`
	Deps []string `json:"deps"`
	// Minutes is how long provisioning takes, at least 1.
	Minutes int `json:"minutes"`
	// HourlyUSD is what the resource costs per hour once it is started.
	HourlyUSD float64 `json:"hourly_usd"`
}

// Instance is a provisioning rollout, as stored in an instance file:
//
//	{"max_parallel": 3, "resources": [
//	  {"name": "prod-vpc", "deps": [], "minutes": 3, "hourly_usd": 0},
//	  {"name": "prod-db", "deps": ["prod-vpc"], "minutes": 15, "hourly_usd": 0.34}]}
type Instance struct {
	// MaxParallel is how many resources may provision at once (0: 3).
	MaxParallel int        `json:"max_parallel"`
	Resources   []Resource `json:"resources"`
}

// rollout is a validated instance.
type rollout struct {
	g        *scenario.Graph
	parallel int
	minutes  map[string]int
	hourly   map[string]float64
}

// validate checks the instance and indexes it. Errors wrap
// [scenario.ErrInstance] and name the culprit.
func (in *Instance) validate() (*rollout, error) {
	if len(in.Resources) > MaxSize {
		return nil, fmt.Errorf("%w: %d resources, at most %d", scenario.ErrInstance, len(in.Resources), MaxSize)
	}
	p := &rollout{parallel: in.MaxParallel, minutes: map[string]int{}, hourly: map[string]float64{}}
	if p.parallel == 0 {
		p.parallel = DefaultParallel
	}
	if p.parallel < 1 {
		return nil, fmt.Errorf("%w: max_parallel must be at least 1, got %d", scenario.ErrInstance, in.MaxParallel)
	}
	names := make([]string, len(in.Resources))
	deps := make(map[string][]string, len(in.Resources))
	for i, r := range in.Resources {
		names[i] = r.Name
		deps[r.Name] = append(deps[r.Name], r.Deps...)
		if r.Minutes < 1 || r.Minutes > MaxMinutes {
			return nil, fmt.Errorf("%w: resource %s: minutes must be between 1 and %d, got %d", scenario.ErrInstance, r.Name, MaxMinutes, r.Minutes)
		}
		if r.HourlyUSD < 0 || math.IsNaN(r.HourlyUSD) || math.IsInf(r.HourlyUSD, 0) {
			return nil, fmt.Errorf("%w: resource %s: hourly_usd must be a non-negative number, got %g", scenario.ErrInstance, r.Name, r.HourlyUSD)
		}
		p.minutes[r.Name] = r.Minutes
		p.hourly[r.Name] = r.HourlyUSD
	}
	g, err := scenario.NewGraph("resource", names, deps)
	if err != nil {
		return nil, err
	}
	p.g = g
	return p, nil
}

// Validate reports what is wrong with the instance, or nil.
func (in *Instance) Validate() error {
	_, err := in.validate()
	return err
}

// Load reads and validates an instance file.
func Load(path string) (*Instance, error) { return scenario.Load(path, (*Instance).Validate) }

// Read is [Load] from a reader.
func Read(r io.Reader) (*Instance, error) { return scenario.Read(r, (*Instance).Validate) }

// kind is one resource of the stack template: its dependencies within the
// stack, and ranges for its provisioning time and hourly price.
type kind struct {
	name           string
	deps           []string
	minLo, minHi   int
	usdLo, usdHi   float64
	optional       []string // dependencies each instance keeps with probability 1/2
	previousStacks []string // dependencies on the same kind in the previous stack
}

// template is one environment's stack, ordered so that every dependency
// comes before the resource that needs it.
var template = []kind{
	{name: "vpc", minLo: 2, minHi: 4, previousStacks: []string{"vpc"}},
	{name: "subnet-a", deps: []string{"vpc"}, minLo: 1, minHi: 2},
	{name: "subnet-b", deps: []string{"vpc"}, minLo: 1, minHi: 2},
	{name: "sg", deps: []string{"vpc"}, minLo: 1, minHi: 1},
	{name: "queue", deps: []string{"vpc"}, minLo: 1, minHi: 3, usdLo: 0.01, usdHi: 0.05},
	{name: "db", deps: []string{"subnet-a", "subnet-b", "sg"}, minLo: 8, minHi: 20, usdLo: 0.17, usdHi: 0.68},
	{name: "cache", deps: []string{"subnet-a", "sg"}, minLo: 5, minHi: 12, usdLo: 0.05, usdHi: 0.20},
	{name: "app", deps: []string{"db"}, optional: []string{"cache", "queue"}, minLo: 3, minHi: 8, usdLo: 0.10, usdHi: 0.40},
	{name: "lb", deps: []string{"app", "subnet-a", "subnet-b"}, minLo: 2, minHi: 5, usdLo: 0.025, usdHi: 0.03},
	{name: "dns", deps: []string{"lb"}, minLo: 1, minHi: 2, usdLo: 0.005, usdHi: 0.005},
}

// envs name the stacks of small instances; larger ones number them.
var envs = []string{"prod", "stage", "dev", "qa", "demo", "perf", "sandbox", "test"}

// Generate returns a provisioning rollout of n resources for a seed: stacks of
// ten (vpc, two subnets, a security group, a queue, a database, a cache, an
// app, a load balancer and a DNS record) with seeded provisioning times,
// prices and optional dependencies. Each stack's VPC peers with the
// previous stack's, so stacks come up one after another and the state
// stays short at any size. The last stack is cut short when n is not a
// multiple of ten.
func Generate(n int, seed uint64) (*Instance, error) {
	if n < 1 || n > MaxSize {
		return nil, fmt.Errorf("infra: size must be between 1 and %d, got %d", MaxSize, n)
	}
	rng := scenario.Rand(seed, 0x1f2a)
	stacks := (n + len(template) - 1) / len(template)
	stackName := func(i int) string {
		if stacks <= len(envs) {
			return envs[i]
		}
		return fmt.Sprintf("s%0*d", len(fmt.Sprint(stacks-1)), i)
	}
	in := &Instance{MaxParallel: DefaultParallel}
	for s := 0; s < stacks; s++ {
		prefix := stackName(s) + "-"
		for _, k := range template {
			if len(in.Resources) == n {
				break
			}
			r := Resource{Name: prefix + k.name, Deps: []string{}, Minutes: k.minLo + rng.IntN(k.minHi-k.minLo+1)}
			r.HourlyUSD = math.Round((k.usdLo+rng.Float64()*(k.usdHi-k.usdLo))*1000) / 1000
			for _, d := range k.deps {
				r.Deps = append(r.Deps, prefix+d)
			}
			for _, d := range k.optional {
				if rng.IntN(2) == 0 {
					r.Deps = append(r.Deps, prefix+d)
				}
			}
			if s > 0 {
				for _, d := range k.previousStacks {
					r.Deps = append(r.Deps, stackName(s-1)+"-"+d)
				}
			}
			in.Resources = append(in.Resources, r)
		}
	}
	return in, nil
}
