package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/fileio"
	"github.com/maker-go/maker/requirements"
	"github.com/maker-go/maker/tasks"
)

func init() { openKind("requirements", opener(requirementsExecution)) }

func newRequirementsCmd() *cobra.Command {
	var (
		f                runFlags
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
			if err := f.validate(); err != nil {
				return err
			}
			switch {
			case f.k == "adaptive":
				return usageErr("--k adaptive is not available for requirements; give a number or auto")
			case proposalTemp < 0:
				return usageErr("--proposal-temperature must not be negative, got %g", proposalTemp)
			case purposeProposers < 1 || purposeProposers > 99:
				return usageErr("--purpose-proposers must be between 1 and 99, got %d", purposeProposers)
			case featureProposers < 1 || featureProposers > 20:
				return usageErr("--feature-proposers must be between 1 and 20, got %d", featureProposers)
			}
			if f.simulated() {
				if _, err := requirements.Scripted(args[0]); err != nil {
					return usageErr("the simulated model knows only the scripted requests %s; give --model PROVIDER/MODEL for %q",
						strings.Join(quoted(requirements.Requests()), ", "), args[0])
				}
			}
			e, err := requirementsExecution(requirementsParams{
				Request: args[0], PurposeProposers: purposeProposers, FeatureProposers: featureProposers,
				ProposalTemperature: proposalTemp, OutMD: outMD, OutJSON: outJSON, Scripted: f.simulated(),
			})
			if err != nil {
				return err
			}
			e.flags = &f
			return e.execute(cmd)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&outMD, "out-md", "", "write the requirements as Markdown, for people, to this file")
	fl.StringVar(&outJSON, "out-json", "", "write the requirements as JSON, for coding agents, to this file")
	fl.IntVar(&purposeProposers, "purpose-proposers", requirements.DefaultPurposeProposers, "proposers who each write a purpose (one sample each)")
	fl.IntVar(&featureProposers, "feature-proposers", requirements.DefaultFeatureProposers, "proposers who each list features (one sample each)")
	fl.Float64Var(&proposalTemp, "proposal-temperature", requirements.DefaultProposalTemperature, "least temperature of the proposal samples, so proposers differ")
	f.register(fl)
	return cmd
}

// requirementsParams are what the journal keeps to rebuild a requirements
// run.
type requirementsParams = tasks.Requirements

// requirementsExecution is the execution of a requirements definition.
// The votes of each decision come from the steps this session observed,
// so a resumed run's export has votes for the steps after the resume.
func requirementsExecution(p requirementsParams) (execution[requirements.Doc], error) {
	var (
		intent *requirements.Intent
		oracle maker.Oracle
	)
	if p.Scripted {
		in, err := requirements.Scripted(p.Request)
		if err != nil {
			return execution[requirements.Doc]{}, usageErr("%v", err)
		}
		intent, oracle = in, in
	}
	task, err := requirements.New(p.Request, requirements.Options{
		PurposeProposers: p.PurposeProposers, FeatureProposers: p.FeatureProposers, Intent: intent,
	})
	if err != nil {
		return execution[requirements.Doc]{}, usageErr("%v", err)
	}
	tracker := requirements.NewTracker(task)
	var doc *requirements.Requirements
	return execution[requirements.Doc]{
		task:         task,
		oracle:       oracle,
		kind:         "requirements",
		params:       p,
		plannedSteps: task.MaxVotedSteps(),
		observers:    []maker.Observer{tracker},
		configure:    func(cfg *maker.Config) { cfg.KPolicy = task.KPolicy(cfg.K) },
		wrapModel: func(m maker.Model) maker.Model {
			return requirements.WithProposalTemperature(m, p.ProposalTemperature)
		},
		export: func(cmd session, res *maker.Result[requirements.Doc], jsonOut bool) error {
			stderr := cmd.ErrOrStderr()
			if !res.Summary.Done {
				if p.OutMD != "" || p.OutJSON != "" {
					fmt.Fprintln(stderr, "no files written: the definition did not finish, and a partial one would leave non-goals undecided")
				}
				return nil
			}
			var err error
			if doc, err = requirements.Export(res.State, tracker, &res.Summary); err != nil {
				return &exitError{code: exitFailed, err: err}
			}
			if err := writeExports(doc, p.OutMD, p.OutJSON, stderr, jsonOut); err != nil {
				return err
			}
			if !jsonOut && p.OutMD == "" && p.OutJSON == "" {
				fmt.Fprintln(cmd.OutOrStdout(), doc.Markdown())
			}
			return nil
		},
		facts: func(res *maker.Result[requirements.Doc]) []fact {
			facts := []fact{
				{key: "request", value: task.Request()},
				{key: "gates", value: tracker.Gates, label: "gates", text: fmt.Sprintf("%d discarded: %s", tracker.GateTotal(), tracker.GateText())},
				{key: "gates_by_kind", value: tracker.GatesByKind},
			}
			if doc != nil {
				facts = append(facts, fact{key: "requirements", value: doc})
			}
			return facts
		},
	}, nil
}

// writeExports writes the files asked for and says so on stderr.
func writeExports(doc *requirements.Requirements, outMD, outJSON string, stderr interface{ Write([]byte) (int, error) }, quiet bool) error {
	if outMD != "" {
		if err := fileio.WriteFile(outMD, []byte(doc.Markdown())); err != nil {
			return &exitError{code: exitOutput, err: fmt.Errorf("--out-md: %w", err)}
		}
		if !quiet {
			fmt.Fprintf(stderr, "wrote %s\n", outMD)
		}
	}
	if outJSON != "" {
		b, err := doc.JSON()
		if err != nil {
			return &exitError{code: exitFailed, err: err}
		}
		if err := fileio.WriteFile(outJSON, b); err != nil {
			return &exitError{code: exitOutput, err: fmt.Errorf("--out-json: %w", err)}
		}
		if !quiet {
			fmt.Fprintf(stderr, "wrote %s\n", outJSON)
		}
	}
	return nil
}

func quoted(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		b, _ := json.Marshal(s)
		out[i] = string(b)
	}
	return out
}
