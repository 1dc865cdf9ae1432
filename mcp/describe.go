package mcp

import "github.com/google/jsonschema-go/jsonschema"

// What an agent reads: the server's instructions and each tool's
// description, written for one that has never heard of MAKER.

const instructions = `maker runs long, many-step tasks with an LLM so that the whole task ends with no error:
every step is one small model call, several samples of each step vote until one answer leads
the others by k votes, and answers with signs of confusion (too long, malformed) are thrown
away. A run can last hours and cost real money with a real model; the model "sim" is a free,
instant simulator for trying things. Typical use: plan (what k, samples and cost a task needs),
start_run, then poll get_run until its status is done (or failed / interrupted); cancel_run
stops one, resume_run continues it from its last committed step.`

const planDesc = `Plan a run before paying for it. Given the model's per-step success rate p (the chance
that one sample answers one step right) and the number of steps, it returns k_min, the vote
margin needed to reach the target success probability for the whole task, the success
probability at k_min (p_full), the expected samples (model calls) per step and in all, and,
with prices and token counts, the expected cost in USD. Cheap: pure arithmetic, no model is
called. Use it to choose k for start_run and to tell a user what a run will cost.`

const startDesc = `Start a run and return its id at once (the run goes on in the background; poll get_run).
kind is the task: hanoi (params {"disks": N}, 2^N-1 steps), sudoku ({"blanks": N}), cube,
taskfile ({"file": "name.yaml", "yaml": "<the task file's text>"}), requirements,
scenario-deps, scenario-infra, scenario-interview ({"size": N}). settings are the run options
by their command-line names: "model" (default "sim", the free simulator; a real model is
"provider/name", e.g. "openai/gpt-4.1-mini", and costs money), "k" (vote margin: a number, or
"auto" to plan it from "p"), "p", "max-cost" (USD budget), "sim-error" (the simulator's error
rate), "seed". Every run is journaled and can be resumed.`

const getDesc = `One run's state: status (running, queued, done, failed, interrupted), committed steps of
total_steps, progress (0..1), steps_per_second and eta_seconds while it runs, cost_usd against
budget_usd, and the summary so far (samples, votes, red flags, whether every step was right
for tasks that can check it). Poll it to follow a run started with start_run, or give
wait_seconds to have it answer when the run ends (or the wait is over), with progress
notifications meanwhile.`

const listDesc = `The runs the journal holds, newest first, without their summaries, and how many match
in all. Filter by status or task kind; page with offset and limit.`

const cancelDesc = `Stop a running run: samples in flight are cancelled, decided steps are kept, and the
run ends "interrupted" (resume_run continues it). Returns the run's state once it has stopped.`

const resumeDesc = `Continue an interrupted or failed run from its last committed step, with its own
settings; returns its id at once. A run that is running or done cannot be resumed.`

var startSchema = &jsonschema.Schema{
	Type:     "object",
	Required: []string{"kind"},
	Properties: map[string]*jsonschema.Schema{
		"kind":     {Type: "string", Description: "the task kind: hanoi, sudoku, cube, taskfile, requirements, scenario-deps, scenario-infra, scenario-interview"},
		"params":   {Type: "object", Description: `the task's parameters, e.g. {"disks": 10} for hanoi`},
		"settings": {Type: "object", Description: `run options by command-line flag name, e.g. {"k": 3, "model": "sim", "sim-error": 0.01}`},
	},
	AdditionalProperties: &jsonschema.Schema{Not: &jsonschema.Schema{}},
}

// runSchema describes runs.Info's main fields; others may appear.
var runSchema = &jsonschema.Schema{
	Type: "object",
	Properties: map[string]*jsonschema.Schema{
		"id":               {Type: "string"},
		"kind":             {Type: "string"},
		"status":           {Type: "string", Description: "running, queued (a fleet's run between chunks), done, failed or interrupted"},
		"steps":            {Type: "integer", Description: "committed steps"},
		"total_steps":      {Type: "integer"},
		"progress":         {Type: "number", Description: "share of steps committed, 0 to 1"},
		"live":             {Type: "boolean", Description: "running in this process"},
		"steps_per_second": {Type: "number"},
		"eta_seconds":      {Type: "number"},
		"cost_usd":         {Type: "number"},
		"budget_usd":       {Type: "number", Description: "cost limit per session, 0: none"},
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
