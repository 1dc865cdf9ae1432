package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/requirements"
)

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
			var (
				intent *requirements.Intent
				oracle maker.Oracle
			)
			if f.simulated() {
				in, err := requirements.Scripted(args[0])
				if err != nil {
					return usageErr("the simulated model knows only the scripted requests %s; give --model PROVIDER/MODEL for %q",
						strings.Join(quoted(requirements.Requests()), ", "), args[0])
				}
				intent, oracle = in, in
			}
			task, err := requirements.New(args[0], requirements.Options{
				PurposeProposers: purposeProposers, FeatureProposers: featureProposers, Intent: intent,
			})
			if err != nil {
				return usageErr("%v", err)
			}
			ctx := cmd.Context()
			model, err := f.openModel(ctx, oracle)
			if err != nil {
				return err
			}
			k, note, err := f.resolveK(cmd, task.MaxVotedSteps())
			if err != nil {
				return err
			}
			stderr := cmd.ErrOrStderr()
			cfg := f.config(k)
			cfg.KPolicy = task.KPolicy(k)
			cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
			tracker := requirements.NewTracker(task)
			cfg.Observers = append(cfg.Observers, tracker)
			if !f.jsonOut {
				if note != "" {
					fmt.Fprintf(stderr, "k = %d (%s; the step count is an upper bound on the voted steps)\n", k, note)
				}
				if maker.IsSimulated(model) {
					fmt.Fprintln(stderr, "model: sim — SIMULATED, no LLM is called; a scripted user intent plays the model")
				}
			}
			bar := newProgress(stderr, 0, f.quiet || f.jsonOut)
			if bar != nil {
				cfg.Observers = append(cfg.Observers, bar)
			}
			res, runErr := maker.Run(ctx, task, requirements.WithProposalTemperature(model, proposalTemp), cfg)
			if bar != nil {
				bar.finish()
			}
			if res == nil {
				return &exitError{code: exitUsage, err: runErr}
			}
			var doc *requirements.Requirements
			if res.Summary.Done {
				if doc, err = requirements.Export(res.State, tracker, &res.Summary); err != nil {
					return &exitError{code: exitFailed, err: err}
				}
				if err := writeExports(doc, outMD, outJSON, stderr, f.jsonOut); err != nil {
					return err
				}
			} else if outMD != "" || outJSON != "" {
				fmt.Fprintln(stderr, "no files written: the definition did not finish, and a partial one would leave non-goals undecided")
			}
			out := cmd.OutOrStdout()
			if f.jsonOut {
				extra := map[string]any{"request": task.Request(), "gates": tracker.Gates, "gates_by_kind": tracker.GatesByKind}
				if doc != nil {
					extra["requirements"] = doc
				}
				if err := printSummary(out, true, &res.Summary, extra); err != nil {
					return err
				}
				return outcome(&res.Summary, runErr)
			}
			if doc != nil && outMD == "" && outJSON == "" {
				fmt.Fprintln(out, doc.Markdown())
			}
			if err := res.Summary.WriteText(out); err != nil {
				return err
			}
			fmt.Fprintf(out, "gates       %d discarded: %s\n", tracker.GateTotal(), tracker.GateText())
			return outcome(&res.Summary, runErr)
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

// writeExports writes the files asked for and says so on stderr.
func writeExports(doc *requirements.Requirements, outMD, outJSON string, stderr interface{ Write([]byte) (int, error) }, quiet bool) error {
	if outMD != "" {
		if err := os.WriteFile(outMD, []byte(doc.Markdown()), 0o644); err != nil {
			return &exitError{code: exitFailed, err: fmt.Errorf("--out-md: %w", err)}
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
		if err := os.WriteFile(outJSON, b, 0o644); err != nil {
			return &exitError{code: exitFailed, err: fmt.Errorf("--out-json: %w", err)}
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
