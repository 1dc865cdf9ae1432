package tasks

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/fileio"
	"github.com/maker-go/maker/requirements"
	"github.com/maker-go/maker/runs"
)

// Requirements are the params of a requirements run.
type Requirements struct {
	Request             string  `json:"request" jsonschema:"the project, in a sentence (required), e.g. Build a simple task management API"`
	PurposeProposers    int     `json:"purpose_proposers,omitempty" jsonschema:"proposers who each write a purpose, 1 to 99; default 5"`
	FeatureProposers    int     `json:"feature_proposers,omitempty" jsonschema:"proposers who each list features, 1 to 20; default 3"`
	ProposalTemperature float64 `json:"proposal_temperature,omitempty" jsonschema:"least temperature of the proposal samples; default 0.8"`
	// OutMD and OutJSON are files the command line writes; a run a
	// client asks for writes none, so that no request makes a service
	// write outside its own directory: its params refuse them.
	OutMD   string `json:"out_md,omitempty" jsonschema:"the command line's --out-md (a service refuses it)"`
	OutJSON string `json:"out_json,omitempty" jsonschema:"the command line's --out-json (a service refuses it)"`
	// Scripted: the scripted intent plays the simulated model.
	Scripted bool `json:"scripted,omitempty" jsonschema:"set from the model setting: the scripted intent plays the simulator"`
}

func init() {
	register(runs.Kind{
		Name: "requirements", Command: "requirements",
		Summary: "a project's requirements decided by voting: purpose, scope and acceptance criteria",
		Example: json.RawMessage(`{"request":"Build a simple task management API"}`),
	}, func(p *Requirements, s runs.Settings) error {
		if p.PurposeProposers == 0 {
			p.PurposeProposers = requirements.DefaultPurposeProposers
		}
		if p.FeatureProposers == 0 {
			p.FeatureProposers = requirements.DefaultFeatureProposers
		}
		if p.ProposalTemperature == 0 {
			p.ProposalTemperature = requirements.DefaultProposalTemperature
		}
		p.Scripted = Simulated(s)
		switch {
		case p.OutMD != "":
			return fieldErr("out_md", "not accepted here: the service writes no file a request names")
		case p.OutJSON != "":
			return fieldErr("out_json", "not accepted here: the service writes no file a request names")
		case strings.TrimSpace(p.Request) == "":
			return fieldErr("request", "missing: the project in a sentence, as maker requirements \"REQUEST\" takes it (the simulator knows %s)", strings.Join(requirements.Requests(), "; "))
		case p.ProposalTemperature < 0:
			return fieldErr("proposal_temperature", "must not be negative, got %g", p.ProposalTemperature)
		case p.PurposeProposers < 1 || p.PurposeProposers > 99:
			return fieldErr("purpose_proposers", "want 1 to 99, got %d", p.PurposeProposers)
		case p.FeatureProposers < 1 || p.FeatureProposers > 20:
			return fieldErr("feature_proposers", "want 1 to 20, got %d", p.FeatureProposers)
		}
		if p.Scripted {
			if _, err := requirements.Scripted(p.Request); err != nil {
				return fieldErr("request", "the simulated model knows only the scripted requests %s; give the model setting for another", strings.Join(requirements.Requests(), "; "))
			}
		}
		return nil
	}, openRequirements)
}

// openRequirements is the execution of a requirements definition.
// The votes of each decision come from the steps this runs.Session observed,
// so a resumed run's export has votes for the steps after the resume.
func openRequirements(p Requirements, _ runs.OpenOptions) (runs.Opened, error) {
	var (
		intent *requirements.Intent
		oracle maker.Oracle
	)
	if p.Scripted {
		in, err := requirements.Scripted(p.Request)
		if err != nil {
			return nil, runs.UsageErr("%v", err)
		}
		intent, oracle = in, in
	}
	task, err := requirements.New(p.Request, requirements.Options{
		PurposeProposers: p.PurposeProposers, FeatureProposers: p.FeatureProposers, Intent: intent,
	})
	if err != nil {
		return nil, runs.UsageErr("%v", err)
	}
	tracker := requirements.NewTracker(task)
	var doc *requirements.Requirements
	return runs.Execution[requirements.Doc]{
		Task:         task,
		Oracle:       oracle,
		Kind:         "requirements",
		Params:       p,
		PlannedSteps: task.MaxVotedSteps(),
		Observers:    []maker.Observer{tracker},
		Configure:    func(cfg *maker.Config) { cfg.KPolicy = task.KPolicy(cfg.K) },
		WrapModel: func(m maker.Model) maker.Model {
			return requirements.WithProposalTemperature(m, p.ProposalTemperature)
		},
		Export: func(cmd runs.Session, res *maker.Result[requirements.Doc], jsonOut bool) error {
			stderr := cmd.ErrOrStderr()
			if !res.Summary.Done {
				if p.OutMD != "" || p.OutJSON != "" {
					fmt.Fprintln(stderr, "no files written: the definition did not finish, and a partial one would leave non-goals undecided")
				}
				return nil
			}
			var err error
			if doc, err = requirements.Export(res.State, tracker, &res.Summary); err != nil {
				return &runs.ExitError{Code: runs.ExitFailed, Err: err}
			}
			if err := writeExports(doc, p.OutMD, p.OutJSON, stderr, jsonOut); err != nil {
				return err
			}
			if !jsonOut && p.OutMD == "" && p.OutJSON == "" {
				fmt.Fprintln(cmd.OutOrStdout(), doc.Markdown())
			}
			return nil
		},
		Facts: func(res *maker.Result[requirements.Doc]) []runs.Fact {
			facts := []runs.Fact{
				{Key: "request", Value: task.Request()},
				{Key: "gates", Value: tracker.Gates, Label: "gates", Text: fmt.Sprintf("%d discarded: %s", tracker.GateTotal(), tracker.GateText())},
				{Key: "gates_by_kind", Value: tracker.GatesByKind},
			}
			if doc != nil {
				facts = append(facts, runs.Fact{Key: "requirements", Value: doc})
			}
			return facts
		},
	}, nil
}

// writeExports writes the files asked for and says so on stderr.
func writeExports(doc *requirements.Requirements, outMD, outJSON string, stderr interface{ Write([]byte) (int, error) }, quiet bool) error {
	if outMD != "" {
		if err := fileio.WriteFile(outMD, []byte(doc.Markdown())); err != nil {
			return &runs.ExitError{Code: runs.ExitOutput, Err: fmt.Errorf("--out-md: %w", err)}
		}
		if !quiet {
			fmt.Fprintf(stderr, "wrote %s\n", outMD)
		}
	}
	if outJSON != "" {
		b, err := doc.JSON()
		if err != nil {
			return &runs.ExitError{Code: runs.ExitFailed, Err: err}
		}
		if err := fileio.WriteFile(outJSON, b); err != nil {
			return &runs.ExitError{Code: runs.ExitOutput, Err: fmt.Errorf("--out-json: %w", err)}
		}
		if !quiet {
			fmt.Fprintf(stderr, "wrote %s\n", outJSON)
		}
	}
	return nil
}
