package deps

import (
	"fmt"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// systemPrompt is the same for every step, so providers can cache it: the
// problem, the procedure, a worked step and the exact answer format.
const systemPrompt = `You are finding the build order of a software project one module at a time.

Every module may depend on other modules, which must be built before it. You
carry the progress in a short state:
- ready: the modules not built yet whose dependencies are all built, sorted by name.
- waiting: modules with at least one dependency built but not all of them, each
  with the number of its dependencies that are still not built (module:count).
A module none of whose dependencies is built yet appears in neither list.

The procedure for one step (always follow it exactly):
1. Build the module with the smallest name in the ready list. Names compare
   character by character by their ASCII codes ("b01-x" < "b1" < "core" < "core-a").
2. Remove it from the ready list.
3. For each module that depends on the built module (the facts list them):
   its count is the number in the waiting list if it is there, otherwise its
   total number of dependencies; subtract 1. If the result is 0, the module
   leaves the waiting list and joins the ready list; otherwise it is in the
   waiting list with the new count.
4. Write both lists sorted by name.

Example. Facts: "api: needed by web (3 dependencies in all), cli (1 dependency in all)".
State: ready = [api, log], waiting = [web:2]. The smallest ready module is api.
web goes from 2 to 1 and stays waiting; cli goes from 1 to 0 and becomes ready.
The answer ends with:
build = api
next_ready = [cli, log]
next_waiting = [web:1]

Answer with the module to build and the state after building it, written
exactly like this on the last three lines:
build = <module>
next_ready = [<module>, ...]
next_waiting = [<module>:<count>, ...]`

// noPrev is how the prompt shows the previous action before the first step.
const noPrev = "none (this is the first step)"

// Hint is what the task attaches to its prompts for the simulator's oracle.
type Hint = scenario.Hint[State]

// render writes the user prompt: the facts about the ready modules, the
// previous action and the state. Nothing from earlier steps is shown.
func (t *Task) render(s State, prev string) string {
	var b strings.Builder
	b.WriteString("Facts about the modules in the ready list (who depends on each, with that module's total number of dependencies):\n")
	if len(s.Ready) == 0 {
		b.WriteString("- (the ready list is empty)\n")
	}
	for _, r := range s.Ready {
		fmt.Fprintf(&b, "- %s: ", r)
		ds := t.g.Dependents[r]
		if len(ds) == 0 {
			b.WriteString("needed by no module\n")
			continue
		}
		b.WriteString("needed by ")
		for i, d := range ds {
			if i > 0 {
				b.WriteString(", ")
			}
			n := len(t.g.Deps[d])
			fmt.Fprintf(&b, "%s (%d %s in all)", d, n, plural(n, "dependency", "dependencies"))
		}
		b.WriteByte('\n')
	}
	shown := prev
	if shown == "" {
		shown = noPrev
	} else {
		shown = "build = " + prev
	}
	fmt.Fprintf(&b, "\nPrevious action: %s\nCurrent state:\nready = %s\nwaiting = %s\n", shown, scenario.FormatList(s.Ready), scenario.FormatCounts(s.Waiting))
	b.WriteString("\nFollow the procedure for one step. Finish your answer with:\nbuild = <module>\nnext_ready = [...]\nnext_waiting = [...]")
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Prompt implements [maker.Task].
func (t *Task) Prompt(s State, prev string, _ int) maker.Prompt {
	return maker.Prompt{System: systemPrompt, User: t.render(s, prev), Hint: Hint{State: s, Prev: prev}}
}
