package template

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/maker-go/maker"
)

// systemPrompt is the rules, the strategy and the exact answer format. It is
// the same for every step, so providers can cache it. CHANGE: say what one
// step is, and show the answer format exactly.
const systemPrompt = `You are building the Fibonacci list, one number per step.
Each new number is the sum of the last two numbers of the list.

Answer with exactly these two lines, with nothing after them:
append = <the new number>
list = [<the whole new list, numbers separated by comma and space>]`

// Hint is what the prompt carries for the oracle, so the oracle never has
// to read the prompt text back. CHANGE: whatever your oracle needs.
type Hint struct{ List State }

// Prompt implements [maker.Task]: the previous action and the current state,
// nothing else, so every sample sees the same prompt. CHANGE: show your
// state; keep the history out.
func (t *Task) Prompt(s State, prev string, step int) maker.Prompt {
	if prev == "" {
		prev = "none (this is the first step)"
	}
	user := fmt.Sprintf("Previous action: %s\nCurrent list: %s\n\nAppend the next number and answer with the two lines.", prev, s)
	return maker.Prompt{System: systemPrompt, User: user, Hint: Hint{List: s}}
}

// String renders the list as prompts and answers write it: [1, 1, 2].
func (s State) String() string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = strconv.Itoa(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
