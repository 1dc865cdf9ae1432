package scenario_test

import (
	"fmt"

	"github.com/maker-go/maker/scenario"
)

// A policy step's answer: whatever the model writes before them, the last
// action and expected lines are what votes.
func ExampleParseAnswer() {
	text := "The oldest running test is t05, so I wait for it.\naction = await t05\nexpected = running=t09,t02"
	action, expected, err := scenario.ParseAnswer(text)
	fmt.Println(action, "|", expected, err)
	_, _, err = scenario.ParseAnswer("await t05")
	fmt.Println(err)
	// Output:
	// await t05 | running=t09,t02 <nil>
	// answer not in the exact format: no "action = ..." line
}
