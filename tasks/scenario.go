package tasks

import (
	"encoding/json"
	"fmt"

	"github.com/maker-go/maker/runs"
)

// Scenario are the params of a scenario run: the instance itself (as the
// journal keeps it), or one generated at a size from a seed.
type Scenario[I any] struct {
	Instance     *I      `json:"instance,omitempty" jsonschema:"the instance itself, as maker scenario ... --save-instance writes it (default: generated)"`
	Size         int     `json:"size,omitempty" jsonschema:"size of the generated instance (the command's --size); default: the command's"`
	InstanceSeed *uint64 `json:"instance_seed,omitempty" jsonschema:"seed of the generated instance; default 1"`
}

// DefaultInstanceSeed is --instance-seed's default.
const DefaultInstanceSeed = 1

// instance fills in p's instance as the scenario's command does with
// --size and --instance-seed: generated at defSize from seed 1 unless
// given. validate, when set, checks an instance a client sent.
func (p *Scenario[I]) instance(defSize int, generate func(int, uint64) (*I, error), validate func(*I) error) error {
	if p.Instance != nil {
		if p.Size != 0 || p.InstanceSeed != nil {
			return fieldErr("instance", "given: params.size and params.instance_seed do not apply")
		}
		if validate != nil {
			if err := validate(p.Instance); err != nil {
				return fieldErr("instance", "%v", err)
			}
		}
		return nil
	}
	size, seed := p.Size, uint64(DefaultInstanceSeed)
	if size == 0 {
		size = defSize
	}
	if p.InstanceSeed != nil {
		seed = *p.InstanceSeed
	}
	in, err := generate(size, seed)
	if err != nil {
		return fieldErr("size", "%v", err)
	}
	// The journal keeps the instance, as the command line's run does.
	p.Instance, p.Size, p.InstanceSeed = in, 0, nil
	return nil
}

// registerScenario registers a scenario kind whose params are only its
// instance, and whose world a resumed run finds again as world says.
func registerScenario[I any](name, summary string, world runs.World, defSize int, generate func(int, uint64) (*I, error), validate func(*I) error, open func(Scenario[I], runs.OpenOptions) (runs.Opened, error)) {
	register(runs.Kind{
		Name: "scenario-" + name, Command: "scenario " + name,
		Summary: summary,
		World:   world,
		Example: json.RawMessage(fmt.Sprintf(`{"size":%d,"instance_seed":7}`, defSize)),
	}, func(p *Scenario[I], _ runs.Settings) error {
		return p.instance(defSize, generate, validate)
	}, func(p Scenario[I], o runs.OpenOptions) (runs.Opened, error) {
		// A journaled run's params were prepared when it started; they are
		// checked again here, since a journal is a file anyone can edit.
		if p.Instance == nil {
			return nil, runs.UsageErr("no instance")
		}
		if validate != nil {
			if err := validate(p.Instance); err != nil {
				return nil, runs.UsageErr("%v", err)
			}
		}
		return open(p, o)
	})
}
