package main

import (
	"encoding/json"
	"strings"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker/requirements"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/tasks"
)

func newRequirementsCmd() *cobra.Command {
	var (
		f                runs.Flags
		outMD, outJSON   string
		purposeProposers int
		featureProposers int
		proposalTemp     float64
	)
	cmd := &cobra.Command{
		Use:   `requirements "REQUEST"`,
		Short: "Define a project's requirements by voting, before any code is written",
		Long: `Define what a project must do, and what it must not, before a coding agent starts, so
that it does not build features nobody asked for. Every decision is a voted step:

  purpose   several proposers (one sample each, at --proposal-temperature) write a
            one-sentence purpose; one vote chooses among the numbered proposals
  scope     every feature of a catalogue of commonly over-built ones (OAuth, SSO, 2FA,
            notifications, webhooks, real-time updates, export, search, permissions,
            rate limiting, caching, i18n, analytics, admin UI, audit log), plus those
            the proposers list, is decided IN or NON-GOAL by its own vote
  criteria  every feature in scope gets acceptance criteria (WHEN ... THEN ...) by its
            own vote; quality gates discard vague, untestable and off-purpose criteria
            (the sample is replaced, never repaired)

The result is Markdown for people (--out-md) and JSON for coding agents (--out-json),
non-goals first in both; without either file the Markdown goes to stdout. Voting makes
a one-off slip unlikely; it does not make the requirements what you meant.

On the simulated model (the default) a scripted user intent plays the model; it knows
only the scripted requests: ` + strings.Join(quoted(requirements.Requests()), ", ") + `.

Exit status: 0 defined, 1 a wrong or undecided step, 2 bad usage, 3 budget reached.`,
		Example: `  maker requirements "Build a simple task management API"
  maker requirements "Build a URL shortener" --out-md REQUIREMENTS.md --out-json requirements.json
  maker requirements "Build a URL shortener" --k 1 --sim-error 0.2
  maker requirements "Build an invoicing API" --model openai/gpt-4.1-mini --k 3`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr("requirements takes the request as one quoted argument, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.Validate(); err != nil {
				return err
			}
			switch {
			case f.K() == "adaptive":
				return usageErr("--k adaptive is not available for requirements; give a number or auto")
			case proposalTemp < 0:
				return usageErr("--proposal-temperature must not be negative, got %g", proposalTemp)
			case purposeProposers < 1 || purposeProposers > 99:
				return usageErr("--purpose-proposers must be between 1 and 99, got %d", purposeProposers)
			case featureProposers < 1 || featureProposers > 20:
				return usageErr("--feature-proposers must be between 1 and 20, got %d", featureProposers)
			}
			if f.Simulated() {
				if _, err := requirements.Scripted(args[0]); err != nil {
					return usageErr("the simulated model knows only the scripted requests %s; give --model PROVIDER/MODEL for %q",
						strings.Join(quoted(requirements.Requests()), ", "), args[0])
				}
			}
			return runTask(cmd, &f, "requirements", tasks.Requirements{
				Request: args[0], PurposeProposers: purposeProposers, FeatureProposers: featureProposers,
				ProposalTemperature: proposalTemp, OutMD: outMD, OutJSON: outJSON, Scripted: f.Simulated(),
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&outMD, "out-md", "", "write the requirements as Markdown, for people, to this file")
	fl.StringVar(&outJSON, "out-json", "", "write the requirements as JSON, for coding agents, to this file")
	fl.IntVar(&purposeProposers, "purpose-proposers", requirements.DefaultPurposeProposers, "proposers who each write a purpose (one sample each)")
	fl.IntVar(&featureProposers, "feature-proposers", requirements.DefaultFeatureProposers, "proposers who each list features (one sample each)")
	fl.Float64Var(&proposalTemp, "proposal-temperature", requirements.DefaultProposalTemperature, "least temperature of the proposal samples, so proposers differ")
	f.Register(fl)
	return cmd
}

func quoted(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		b, _ := json.Marshal(s)
		out[i] = string(b)
	}
	return out
}
