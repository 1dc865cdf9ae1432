package anthropic_test

import (
	"fmt"

	"github.com/maker-go/maker/anthropic"
)

// Which models get the run's temperatures: the first vote at
// --first-temperature, the others at --temperature. The rest sample every
// vote at the API default of 1.0.
func ExampleAcceptsTemperature() {
	for _, m := range []string{"claude-haiku-4-5", "claude-opus-4-6", "claude-sonnet-4-6", "claude-opus-4-7", "claude-sonnet-5"} {
		fmt.Println(m, anthropic.AcceptsTemperature(m))
	}
	// Output:
	// claude-haiku-4-5 true
	// claude-opus-4-6 true
	// claude-sonnet-4-6 false
	// claude-opus-4-7 false
	// claude-sonnet-5 false
}
