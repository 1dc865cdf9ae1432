package tasks

import (
	"fmt"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario"
	"github.com/maker-go/maker/scenario/interview"
)

func init() {
	registerScenario("interview", "interview scheduling: place interviews in slots and rooms by a greedy rule, one voted call per interview", runs.NoWorld,
		interview.DefaultSize, interview.Generate, (*interview.Instance).Validate, openInterview)
}

// openInterview is the execution of a interview run.
func openInterview(p Scenario[interview.Instance], _ runs.OpenOptions) (runs.Opened, error) {
	task, err := interview.New(p.Instance)
	if err != nil {
		return nil, runs.UsageErr("%v", err)
	}
	return runs.Execution[interview.State]{
		Task:   task,
		Oracle: task,
		Kind:   "scenario-interview",
		Params: p,
		Facts: func(res *maker.Result[interview.State]) []runs.Fact {
			facts := []runs.Fact{
				{Key: "interviews", Label: "interviews", Value: task.Interviews()},
				{Key: "bookings", Label: "bookings", Value: res.Actions, Text: scenario.FormatHead(res.Actions, 10)},
			}
			sc, err := task.Evaluate(res.Actions)
			if err != nil {
				return append(facts, runs.Fact{Key: "score_error", Label: "score", Value: err.Error(), Text: "invalid: " + err.Error()})
			}
			return append(facts,
				runs.Fact{Key: "score", Value: sc},
				runs.Fact{Label: "hard", Text: fmt.Sprintf("%d constraint breaches", sc.HardBreaches)},
				runs.Fact{Label: "preferences", Text: fmt.Sprintf("%d of %d interviews in a preferred slot", sc.Preferred, sc.WithPrefs)},
			)
		},
	}, nil
}
