package tasks

import (
	"encoding/json"
	"time"

	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario/deploy"
)

// Deploy are the params of a rollout run: the fleet and the prober's
// settings.
type Deploy struct {
	Scenario[deploy.Instance]
	BadVersion    string        `json:"bad_version,omitempty" jsonschema:"make this service's new version unhealthy (generated fleets only)"`
	ProbeInterval time.Duration `json:"probe_interval_ns,omitempty" jsonschema:"nanoseconds between probes of each service; default 2ms"`
	ProbeMax      int64         `json:"probe_max,omitempty" jsonschema:"most probes in all; default 5000000"`
	ProbeWall     time.Duration `json:"probe_wall_ns,omitempty" jsonschema:"nanoseconds the prober runs at most; default 1h"`
}

// The prober's defaults, those of maker scenario deploy.
const (
	DefaultProbeInterval = 2 * time.Millisecond
	DefaultProbeMax      = 5_000_000
	DefaultProbeWall     = time.Hour
)

func init() {
	register(runs.Kind{
		Name: "scenario-deploy", Command: "scenario deploy",
		Summary: "roll a new version across a local fleet with no downtime, one voted decision per step",
		Example: json.RawMessage(`{"size":12,"instance_seed":7}`),
		// The fleet lives in the process that runs the run.
		World: runs.ReplayedWorld,
	}, func(p *Deploy, _ runs.Settings) error {
		if p.ProbeInterval == 0 {
			p.ProbeInterval = DefaultProbeInterval
		}
		if p.ProbeMax == 0 {
			p.ProbeMax = DefaultProbeMax
		}
		if p.ProbeWall == 0 {
			p.ProbeWall = DefaultProbeWall
		}
		if p.ProbeInterval < 0 || p.ProbeMax < 0 || p.ProbeWall < 0 {
			return fieldErr("probe_interval_ns", "params.probe_interval_ns, params.probe_max and params.probe_wall_ns must be positive")
		}
		if err := p.instance(deploy.DefaultInstances, deploy.Generate, (*deploy.Instance).Validate); err != nil {
			return err
		}
		if p.BadVersion != "" {
			p.Instance.BadVersion = p.BadVersion
			p.BadVersion = ""
			if err := p.Instance.Validate(); err != nil {
				return fieldErr("bad_version", "%v", err)
			}
		}
		return nil
	})
}
