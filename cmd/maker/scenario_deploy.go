package main

import (
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/deploy"
)

func init() { openKind("scenario-deploy", worldOpener(deployExecution)) }

func newScenarioDeployCmd() *cobra.Command {
	var (
		f         runFlags
		src       instanceFlags
		badVer    string
		probeEach time.Duration
		probeMax  int64
		probeWall time.Duration
	)
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Roll a new version across a local fleet with no downtime, one voted decision per step",
		Long: `Start a fleet of services on 127.0.0.1 (each instance an HTTP server with /health and
/version, each service a load balancer that routes only to instances in rotation) and
roll it from v1 to v2: services in dependency order, one instance at a time (drain,
upgrade, health check, enable), canary first for critical services, a stage check after
every stage, and a rollback when an upgraded instance comes up unhealthy (its dependents
are held). Each step the model decides the action; the fleet carries it out and reports
back. A prober calls every service through its load balancer during the whole run and
reports any failed request.

--size is the number of instances (default 19: five services); --bad-version makes one
service's new version unhealthy, to see the rollback.

Exit status: 0 success, 1 a wrong or undecided step or a dropped request, 2 bad usage,
3 budget reached.`,
		Example: `  maker scenario deploy
  maker scenario deploy --bad-version auth
  maker scenario deploy --size 200 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := scenarioInstance(cmd, &src, deploy.Load, deploy.Generate)
			if err != nil {
				return err
			}
			if badVer != "" {
				in.BadVersion = badVer
				if err := in.Validate(); err != nil {
					return usageErr("%v", err)
				}
			}
			if probeEach <= 0 || probeMax < 1 || probeWall <= 0 {
				return usageErr("--probe-interval, --probe-max and --probe-wall must be positive")
			}
			if stop, err := src.saveInstance(cmd, in, fmt.Sprintf("%d services, %d instances", len(in.Services), in.Total())); stop {
				return err
			}
			e, end, err := deployExecution(deployParams{Instance: in, ProbeInterval: probeEach, ProbeMax: probeMax, ProbeWall: probeWall})
			if err != nil {
				return err
			}
			e.flags = &f
			return end(e.execute(cmd))
		},
	}
	src.register(cmd.Flags(), deploy.DefaultInstances, fmt.Sprintf("instances in the generated fleet (2 to %d; large: %d)", deploy.MaxInstances, deploy.LargeInstances), "fleet")
	cmd.Flags().StringVar(&badVer, "bad-version", "", "make this service's new version unhealthy")
	cmd.Flags().DurationVar(&probeEach, "probe-interval", 2*time.Millisecond, "time between probes of each service")
	cmd.Flags().Int64Var(&probeMax, "probe-max", 5_000_000, "most probes in all")
	cmd.Flags().DurationVar(&probeWall, "probe-wall", time.Hour, "longest time the prober runs")
	f.register(cmd.Flags())
	return cmd
}

// deployParams are what the journal keeps to rebuild a deploy run: the
// fleet (with its bad version) and the prober's settings.
type deployParams struct {
	Instance      *deploy.Instance `json:"instance"`
	ProbeInterval time.Duration    `json:"probe_interval_ns"`
	ProbeMax      int64            `json:"probe_max"`
	ProbeWall     time.Duration    `json:"probe_wall_ns"`
}

// deployExecution starts the fleet and its prober and returns the execution
// of a rollout on it, and end, which stops both and fails a run in which
// the prober saw a dropped request. The fleet lives in this process: a
// resumed run starts a fresh one and replays the journaled steps on it
// (runs.ReplayedWorld).
func deployExecution(p deployParams) (execution[deploy.State], func(error) error, error) {
	var none execution[deploy.State]
	in := p.Instance
	if in == nil {
		return none, nil, usageErr("no instance")
	}
	if err := in.Validate(); err != nil {
		return none, nil, usageErr("%v", err)
	}
	if p.ProbeInterval <= 0 || p.ProbeMax < 1 || p.ProbeWall <= 0 {
		return none, nil, usageErr("--probe-interval, --probe-max and --probe-wall must be positive")
	}
	fleet, err := deploy.StartFleet(in)
	if err != nil {
		return none, nil, err
	}
	task, err := deploy.New(in, fleet)
	if err != nil {
		fleet.Close()
		return none, nil, usageErr("%v", err)
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
			return &exitError{code: exitFailed, err: fmt.Errorf("the prober saw %d failed requests", dropped)}
		}
		return err
	}
	_, ref := in.Reference()
	return execution[deploy.State]{
		task:   task,
		oracle: task,
		kind:   "scenario-deploy",
		params: p,
		facts: func(res *maker.Result[deploy.State]) []fact {
			p := stop()
			statuses := res.State.Statuses(in)
			matchesFleet := maps.Equal(fleet.Versions(), res.State.Versions(in))
			matchesRef := maps.Equal(statuses, ref.Statuses(in)) && maps.Equal(res.State.Versions(in), ref.Versions(in))
			var prober strings.Builder
			fmt.Fprintf(&prober, "%d requests, %d failed", p.Requests, p.Failed)
			for _, fl := range p.Failures {
				fmt.Fprintf(&prober, "\n  failed    %s %s: %s", fl.At.Format(time.StampMilli), fl.Service, fl.Error)
			}
			return []fact{
				{key: "services", value: len(in.Services)},
				{key: "instances", label: "fleet", value: in.Total(), text: fmt.Sprintf("%d services, %d instances", len(in.Services), in.Total())},
				{key: "service_status", label: "services", value: statuses},
				{key: "matches_reference", label: "reference", value: matchesRef, text: fmt.Sprintf("matches %v; fleet matches state %v", matchesRef, matchesFleet)},
				{key: "fleet_matches_state", value: matchesFleet},
				{key: "probe", label: "prober", value: p, text: prober.String()},
			}
		},
	}, end, nil
}
