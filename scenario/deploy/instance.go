package deploy

import (
	"fmt"
	"io"
	"regexp"

	"github.com/maker-go/maker/scenario"
)

// Sizes of generated fleets, in instances.
const (
	DefaultInstances = 19
	LargeInstances   = 200
	MaxInstances     = 2000
)

// Instance is a fleet and the deployment to make.
type Instance struct {
	Seed     uint64    `json:"seed"`
	From     string    `json:"from"` // the version running now
	To       string    `json:"to"`   // the version to deploy
	Services []Service `json:"services"`
	// BadVersion names a service whose new version comes up unhealthy:
	// its first upgraded instance fails the health check and must be
	// rolled back.
	BadVersion string `json:"bad_version,omitempty"`
}

// Service is one service of the fleet, listed after the services it
// depends on.
type Service struct {
	Name      string   `json:"name"`
	Instances int      `json:"instances"`
	Deps      []string `json:"deps"`
	// Critical services deploy one canary instance first and verify it
	// before the rest.
	Critical bool `json:"critical,omitempty"`
}

var serviceNames = []string{"db-proxy", "auth", "api", "web", "worker"}

// Generate returns a seeded fleet with about four instances per service
// (at least two each, so one can always serve while another is replaced),
// dependencies on earlier services and some critical services.
func Generate(instances int, seed uint64) (*Instance, error) {
	if instances < 2 || instances > MaxInstances {
		return nil, fmt.Errorf("deploy: instances must be between 2 and %d, got %d", MaxInstances, instances)
	}
	rng := scenario.Rand(seed, 0x646570)
	n := max(1, (instances+3)/4)
	n = min(n, instances/2)
	in := &Instance{Seed: seed, From: "v1", To: "v2"}
	for i := range n {
		name := fmt.Sprintf("svc%02d", i+1)
		if i < len(serviceNames) {
			name = serviceNames[i]
		}
		s := Service{Name: name, Instances: 2, Deps: []string{}, Critical: i == 0 || rng.IntN(2) == 0}
		if i > 0 {
			s.Deps = append(s.Deps, in.Services[rng.IntN(i)].Name)
			if i > 1 && rng.IntN(3) == 0 {
				if d := in.Services[rng.IntN(i)].Name; d != s.Deps[0] {
					s.Deps = append(s.Deps, d)
				}
			}
		}
		in.Services = append(in.Services, s)
	}
	for left := instances - 2*n; left > 0; left-- {
		in.Services[rng.IntN(n)].Instances++
	}
	return in, in.Validate()
}

var (
	nameRe    = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`)
	versionRe = regexp.MustCompile(`^v[0-9]+(\.[0-9]+)*$`)
)

// Validate reports the first problem with the fleet; the error wraps
// [scenario.ErrInstance].
func (in *Instance) Validate() error {
	if err := in.validate(); err != nil {
		return fmt.Errorf("%w: %w", scenario.ErrInstance, err)
	}
	return nil
}

func (in *Instance) validate() error {
	if !versionRe.MatchString(in.From) || !versionRe.MatchString(in.To) || in.From == in.To {
		return fmt.Errorf("deploy: from and to must be two different versions like v1 and v2, got %q and %q", in.From, in.To)
	}
	if len(in.Services) == 0 {
		return fmt.Errorf("deploy: the fleet has no services")
	}
	seen := map[string]bool{}
	total := 0
	for i, s := range in.Services {
		where := fmt.Sprintf("deploy: service %d (%q)", i+1, s.Name)
		if !nameRe.MatchString(s.Name) {
			return fmt.Errorf("%s: name must be lower-case letters, digits and dashes", where)
		}
		if seen[s.Name] {
			return fmt.Errorf("%s: duplicate name", where)
		}
		if s.Instances < 2 || s.Instances > 99 {
			return fmt.Errorf("%s: instances must be between 2 and 99 (one serves while another is replaced), got %d", where, s.Instances)
		}
		for _, d := range s.Deps {
			if !seen[d] {
				return fmt.Errorf("%s: dependency %q is not an earlier service", where, d)
			}
		}
		seen[s.Name] = true
		total += s.Instances
	}
	if total > MaxInstances {
		return fmt.Errorf("deploy: %d instances, at most %d", total, MaxInstances)
	}
	if in.BadVersion != "" && !seen[in.BadVersion] {
		return fmt.Errorf("deploy: bad_version %q is not a service of the fleet", in.BadVersion)
	}
	return nil
}

// Total is the number of instances.
func (in *Instance) Total() int {
	n := 0
	for _, s := range in.Services {
		n += s.Instances
	}
	return n
}

// Read reads a fleet from JSON strictly (see [scenario.Decode]) and
// validates it.
func Read(r io.Reader) (*Instance, error) { return scenario.Read(r, (*Instance).Validate) }

// Load reads a fleet file strictly (see [scenario.Load]) and validates it.
func Load(path string) (*Instance, error) { return scenario.Load(path, (*Instance).Validate) }

// service returns the index of the named service, or -1.
func (in *Instance) service(name string) int {
	for i, s := range in.Services {
		if s.Name == name {
			return i
		}
	}
	return -1
}
