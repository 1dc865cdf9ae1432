package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario/deploy"
	"github.com/maker-go/maker/tasks"
)

func newScenarioDeployCmd() *cobra.Command {
	var (
		f         runs.Flags
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
			return runTask(cmd, &f, "scenario-deploy", tasks.Deploy{Scenario: tasks.Scenario[deploy.Instance]{Instance: in}, ProbeInterval: probeEach, ProbeMax: probeMax, ProbeWall: probeWall})
		},
	}
	src.register(cmd.Flags(), deploy.DefaultInstances, fmt.Sprintf("instances in the generated fleet (2 to %d; large: %d)", deploy.MaxInstances, deploy.LargeInstances), "fleet")
	cmd.Flags().StringVar(&badVer, "bad-version", "", "make this service's new version unhealthy")
	cmd.Flags().DurationVar(&probeEach, "probe-interval", 2*time.Millisecond, "time between probes of each service")
	cmd.Flags().Int64Var(&probeMax, "probe-max", 5_000_000, "most probes in all")
	cmd.Flags().DurationVar(&probeWall, "probe-wall", time.Hour, "longest time the prober runs")
	f.Register(cmd.Flags())
	return cmd
}
