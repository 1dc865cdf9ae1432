package tasks

import (
	"encoding/json"
	"strings"

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
	})
}
