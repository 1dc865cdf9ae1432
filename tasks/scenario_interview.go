package tasks

import (
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario/interview"
)

func init() {
	registerScenario("interview", "interview scheduling: place interviews in slots and rooms by a greedy rule, one voted call per interview", runs.NoWorld,
		interview.DefaultSize, interview.Generate, (*interview.Instance).Validate)
}
