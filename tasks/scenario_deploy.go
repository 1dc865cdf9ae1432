package tasks

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/maker-go/maker"
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
	}, openDeploy)
}

// openDeploy starts the fleet and its prober and returns the execution
// of a rollout on it, and end, which stops both and fails a run in which
// the prober saw a dropped request. The fleet lives in this process: a
// resumed run starts a fresh one and replays the journaled steps on it
// (runs.ReplayedWorld).
func openDeploy(p Deploy, _ runs.OpenOptions) (runs.Opened, error) {
	in := p.Instance
	if in == nil {
		return nil, runs.UsageErr("no instance")
	}
	if err := in.Validate(); err != nil {
		return nil, runs.UsageErr("%v", err)
	}
	if p.ProbeInterval <= 0 || p.ProbeMax < 1 || p.ProbeWall <= 0 {
		return nil, runs.UsageErr("--probe-interval, --probe-max and --probe-wall must be positive")
	}
	fleet, err := deploy.StartFleet(in)
	if err != nil {
		return nil, err
	}
	task, err := deploy.New(in, fleet)
	if err != nil {
		fleet.Close()
		return nil, runs.UsageErr("%v", err)
	}
	prober := deploy.StartProber(fleet.URLs(), p.ProbeInterval, p.ProbeMax, p.ProbeWall)
	var probe *deploy.ProbeReport
	stop := func() deploy.ProbeReport {
		if probe == nil {
			r := prober.Stop()
			probe = &r
		}
		return *probe
	}
	end := func(err error) error {
		dropped := stop().Failed
		fleet.Close()
		if err == nil && dropped > 0 {
			return &runs.ExitError{Code: runs.ExitFailed, Err: fmt.Errorf("the prober saw %d failed requests", dropped)}
		}
		return err
	}
	_, ref := in.Reference()
	return runs.WorldExecution[deploy.State]{E: runs.Execution[deploy.State]{
		Task:   task,
		Oracle: task,
		Kind:   "scenario-deploy",
		Params: p,
		Facts: func(res *maker.Result[deploy.State]) []runs.Fact {
			p := stop()
			statuses := res.State.Statuses(in)
			matchesFleet := maps.Equal(fleet.Versions(), res.State.Versions(in))
			matchesRef := maps.Equal(statuses, ref.Statuses(in)) && maps.Equal(res.State.Versions(in), ref.Versions(in))
			var prober strings.Builder
			fmt.Fprintf(&prober, "%d requests, %d failed", p.Requests, p.Failed)
			for _, fl := range p.Failures {
				fmt.Fprintf(&prober, "\n  failed    %s %s: %s", fl.At.Format(time.StampMilli), fl.Service, fl.Error)
			}
			return []runs.Fact{
				{Key: "services", Value: len(in.Services)},
				{Key: "instances", Label: "fleet", Value: in.Total(), Text: fmt.Sprintf("%d services, %d instances", len(in.Services), in.Total())},
				{Key: "service_status", Label: "services", Value: statuses},
				{Key: "matches_reference", Label: "reference", Value: matchesRef, Text: fmt.Sprintf("matches %v; fleet matches state %v", matchesRef, matchesFleet)},
				{Key: "fleet_matches_state", Value: matchesFleet},
				{Key: "probe", Label: "prober", Value: p, Text: prober.String()},
			}
		},
	}, End: end}, nil
}
