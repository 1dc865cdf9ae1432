package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario/interview"
	"github.com/maker-go/maker/tasks"
)

func newScenarioInterviewCmd() *cobra.Command {
	var (
		f   runs.Flags
		src instanceFlags
	)
	cmd := &cobra.Command{
		Use:   "interview",
		Short: "Interview scheduling: place interviews in slots and rooms by a greedy rule, one voted call per interview",
		Long: `Schedule interviews, one model call per interview. Hard constraints: panel members
available and not double-booked, the candidate in one interview at a time, a free room
that holds the panel and the candidate. The rule: the next interview (by day, then id)
takes the first slot where every hard constraint holds, trying the candidate's preferred
slots first, and the smallest free room that fits (ties by name). The model carries the
day being scheduled and its bookings. After the run the bookings are checked against the
hard constraints and scored on preferences.

An instance file is JSON with days, slots, rooms (name, capacity), interviewers (name,
available: {"day": [slots]}), candidates (name, preferred slots) and interviews (id, day,
candidate, panel). Unknown names, rooms too small, panels never free together, and
instances the rule cannot complete are rejected before the run, naming the interview.

Exit status: 0 solved, 1 a wrong or undecided step, 2 bad usage or instance, 3 budget reached.`,
		Example: `  maker scenario interview
  maker scenario interview --size 10000 --json
  maker scenario interview --instance week.json --model openai/gpt-4.1-mini --k 3`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := scenarioInstance(cmd, &src, interview.Load, interview.Generate)
			if err != nil {
				return err
			}
			if stop, err := src.saveInstance(cmd, in, fmt.Sprintf("%d interviews", len(in.Interviews))); stop {
				return err
			}
			return runTask(cmd, &f, "scenario-interview", tasks.Scenario[interview.Instance]{Instance: in})
		},
	}
	src.register(cmd.Flags(), interview.DefaultSize, fmt.Sprintf("interviews in the generated week (1 to %d; a long run: %d)", interview.MaxSize, interview.LargeSize), "week")
	f.Register(cmd.Flags())
	return cmd
}
