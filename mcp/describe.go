package mcp

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/maker-go/maker/runs"
)

// What an agent reads: the server's instructions and each tool's
// description, written for one that has never heard of MAKER.

// instructions are the server's instructions; the statuses come from
// package runs, so an agent knows every end a run can have.
func instructions() string {
	return `maker runs long, many-step tasks with an LLM so that the whole task ends with no error:
every step is one small model call, several samples of each step vote until one answer leads
the others by k votes, and answers with signs of confusion (too long, malformed) are thrown
away. A run can last hours and cost real money with a real model; the model "sim" is a free,
instant simulator for trying things. Typical use: plan (what k, samples and cost a task needs),
start_run, then poll get_run while its status is ` + strings.Join(runs.LiveStatuses(), ", ") + `; any other status is
an end (` + strings.Join(runs.EndStatuses(), ", ") + `). cancel_run stops one, resume_run
continues it from its last committed step.`
}

const planDesc = `Plan a run before paying for it. Given the model's per-step success rate p (the chance
that one sample answers one step right) and the number of steps, it returns k_min, the vote
margin needed to reach the target success probability for the whole task, the success
probability at k_min (p_full), the expected samples (model calls) per step and in all, and,
with prices and token counts, the expected cost in USD. Cheap: pure arithmetic, no model is
called. Use it to choose k for start_run and to tell a user what a run will cost.`

// startDesc is start_run's description: the task kinds and the settings
// come from the registry (package runs), so they are the ones the
// service runs.
func startDesc() string {
	var b strings.Builder
	b.WriteString(`Start a run and return its id at once (the run goes on in the background; poll get_run).
kind is the task, params its parameters ({} runs it like its command with no flags):`)
	for _, k := range runs.Kinds() {
		fmt.Fprintf(&b, "\n- %s: %s; e.g. %s", k.Name, k.Summary, exampleText(k))
	}
	b.WriteString(`
settings are the run options by their command-line names: "model" (default "sim", the free
simulator; a real model is "provider/name", e.g. "openai/gpt-4.1-mini", and costs money), "k"
(vote margin: a number, or "auto" to plan it from "p"), "p", "max-cost" (USD budget),
"sim-error" (the simulator's error rate), "seed"; all of them: ` + strings.Join(runs.SettingNames(), ", ") + `.
Every run is journaled and can be resumed.`)
	return b.String()
}

// exampleText is a kind's documented params, shortened for a description.
func exampleText(k runs.Kind) string {
	if len(k.Example) > 80 {
		return "params like " + string(k.Example[:60]) + "..."
	}
	return "params " + string(k.Example)
}

// getDesc is get_run's description, with every status a run has.
func getDesc() string {
	return `One run's state: status (` + runs.StatusList() + `), committed steps of
total_steps, progress (0..1), steps_per_second and eta_seconds while it runs, cost_usd against
budget_usd (spent says "spent $X of $Y"; both are the whole run's, over all its sessions), and the summary so far (samples, votes, red flags, whether every step was right
for tasks that can check it). Poll it to follow a run started with start_run, or give
wait_seconds to have it answer when the run ends (or the wait is over), with progress
notifications meanwhile.`
}

const listDesc = `The runs the journal holds, newest first, without their summaries, and how many match
in all. Filter by status or task kind; page with offset and limit.`

const cancelDesc = `Stop a running run: samples in flight are cancelled, decided steps are kept, and the
run ends "interrupted" (resume_run continues it). Returns the run's state once it has stopped.`

const resumeDesc = `Continue an interrupted or failed run from its last committed step, with its own
settings; returns its id at once. A run that is running or done cannot be resumed. Budget caps
(max-cost, max-samples-total, max-wall) hold over all of a run's sessions: a run stopped by one
(status budget) stops again at once unless resumed with a raised cap, e.g. {"id": ..., "max-cost": 10},
which holds for later resumptions too. Raise a cap only when the user agrees to spend more.`

// startSchema is start_run's input: the kinds from the registry, each
// setting with its type.
func startSchema() *jsonschema.Schema {
	var kinds []any
	var params strings.Builder
	params.WriteString("the task's parameters ({} for the kind's defaults); by kind:")
	for _, k := range runs.Kinds() {
		kinds = append(kinds, k.Name)
		fmt.Fprintf(&params, " %s %s;", k.Name, fieldNames(k))
	}
	return &jsonschema.Schema{
		Type:     "object",
		Required: []string{"kind"},
		Properties: map[string]*jsonschema.Schema{
			"kind":     {Type: "string", Enum: kinds, Description: "the task kind"},
			"params":   {Type: "object", Description: strings.TrimSuffix(params.String(), ";")},
			"settings": runs.SettingsSchema(),
		},
		AdditionalProperties: &jsonschema.Schema{Not: &jsonschema.Schema{}},
	}
}

// fieldNames lists a kind's params fields: "{disks, prompt}".
func fieldNames(k runs.Kind) string {
	s, err := k.ParamsSchema()
	if err != nil || s == nil {
		return "{}"
	}
	names := slices.Sorted(maps.Keys(s.Properties))
	return "{" + strings.Join(names, ", ") + "}"
}

// runSchema describes runs.Info's main fields; others may appear.
var runSchema = &jsonschema.Schema{
	Type: "object",
	Properties: map[string]*jsonschema.Schema{
		"id":               {Type: "string"},
		"kind":             {Type: "string"},
		"status":           statusSchema("the run's status"),
		"steps":            {Type: "integer", Description: "committed steps"},
		"total_steps":      {Type: "integer"},
		"progress":         {Type: "number", Description: "share of steps committed, 0 to 1"},
		"live":             {Type: "boolean", Description: "running in this process"},
		"steps_per_second": {Type: "number"},
		"eta_seconds":      {Type: "number"},
		"cost_usd":         {Type: "number", Description: "what the run has cost, over all its sessions"},
		"budget_usd":       {Type: "number", Description: "the run's cost cap over all its sessions, 0: none"},
		"spent":            {Type: "string", Description: "what the run spent of its cost cap, in words: spent $4.3240 of $5"},
		"summary":          {Type: "object", Description: "the run's summary so far"},
	},
}

var listSchema = &jsonschema.Schema{
	Type:     "object",
	Required: []string{"runs", "total"},
	Properties: map[string]*jsonschema.Schema{
		"runs":  {Type: "array", Items: runSchema},
		"total": {Type: "integer", Description: "runs that match, for paging"},
	},
}

// statusSchema is a run's status: one of the statuses a run has.
func statusSchema(desc string) *jsonschema.Schema {
	var enum []any
	for _, st := range runs.Statuses() {
		enum = append(enum, st)
	}
	return &jsonschema.Schema{Type: "string", Enum: enum, Description: desc + ": " + runs.StatusList()}
}

// listInputSchema is list_runs' input, its status one of the statuses.
func listInputSchema() *jsonschema.Schema {
	s, err := jsonschema.For[listInput](nil)
	if err != nil {
		panic(err) // a program error: listInput is a plain struct
	}
	s.Properties["status"] = statusSchema("only runs with this status")
	return s
}
