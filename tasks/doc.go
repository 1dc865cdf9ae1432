// Package tasks registers every task kind maker runs with package runs,
// one file per kind: the kind's params (the object a client sends and the
// journal keeps), their defaults (params {} run like the kind's command
// with no flags), their checks, with errors that name the field, and the
// kind's one-line summary and documented example. Every front end (the
// command line's help, the HTTP API and its OpenAPI document, the MCP
// tools, a fleet's workers) reads the kinds from [runs.Kinds]; a program
// that runs tasks imports this package once.
//
// Adding a task kind is one new file here, whose init registers the kind
// with its params, their defaults and checks, and its opener (which builds
// the kind's task from the params: [runs.Execution]), and the kind's
// command in cmd/maker, which turns its flags into the params and hands
// them to the runner ([runs.Open], [runs.Runner.Execute]). The template in
// examples/template shows both.
package tasks

import (
	"fmt"
	"strings"

	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/sim"
)

// register registers a kind whose params are a P: prepare fills in the
// defaults and checks them (a client's params), and open builds the
// kind's task from the params the journal keeps (a J: P, or P with what
// the runner adds), for a new run and a resumed one alike.
func register[P, J any](k runs.Kind, prepare func(p *P, s runs.Settings) error, open func(p J, o runs.OpenOptions) (runs.Opened, error)) {
	k.Params = new(P)
	k.Prepare = func(p any, s runs.Settings) error { return prepare(p.(*P), s) }
	k.Open = runs.Opener(open)
	runs.Register(k)
}

// Simulated reports whether every model the settings name is simulated
// (the default model is the simulator), as the command line's --model
// reads it: an ensemble "a,b" or "a=2,b=1" is simulated when all of its
// models are.
func Simulated(s runs.Settings) bool {
	if s.Model == nil || *s.Model == "" {
		return true
	}
	for entry := range strings.SplitSeq(*s.Model, ",") {
		name, _, _ := strings.Cut(strings.TrimSpace(entry), "=")
		if !sim.IsName(name) {
			return false
		}
	}
	return true
}

// Seed is the run's --seed: the settings' or the command line's default.
func Seed(s runs.Settings) uint64 {
	if s.Seed != nil {
		return *s.Seed
	}
	return sim.DefaultConfig().Seed
}

// fieldErr is an error about one params field.
func fieldErr(field, format string, args ...any) error {
	return fmt.Errorf("params.%s: %s", field, fmt.Sprintf(format, args...))
}
