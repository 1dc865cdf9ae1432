package infra

import (
	"fmt"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// systemPrompt is fixed for a run (the limit is the only number in it), so
// providers can cache it.
const systemPrompt = `You are provisioning cloud infrastructure one event at a time.

Resources depend on other resources, which must be complete before they can
start. At most %d resources may be provisioning at the same time. You carry
the progress in a short state:
- clock: the current minute.
- provisioning: the resources started and not complete, as name@finish-minute.
- ready: resources not started whose dependencies are all complete, sorted by name.
- waiting: resources with at least one dependency complete but not all of them,
  each with the number of its dependencies not complete yet (name:count).
A resource none of whose dependencies is complete appears in no list.

The rule for one event (always follow it exactly):
A. If fewer than %d resources are provisioning and the ready list is not empty:
   start the ready resource with the smallest name (names compare character by
   character by their ASCII codes). Remove it from the ready list and add
   name@finish to provisioning, where finish = clock + its provisioning minutes.
   The clock does not change.
B. Otherwise: complete the provisioning resource with the smallest finish minute
   (if two finish at the same minute, the smaller name). Remove it from
   provisioning and set the clock to its finish minute. For each resource that
   depends on it (the facts list them): its count is the number in the waiting
   list if it is there, otherwise its total number of dependencies; subtract 1.
   At 0 it leaves the waiting list and joins the ready list; otherwise it is
   waiting with the new count.

Example with a limit of 3. Facts: "vpc provisioning, needed by db (2 in all), sg (1 in all)".
State: clock = 0, provisioning = [vpc@3], ready = [], waiting = [].
Rule A does not apply (nothing is ready), so rule B completes vpc at minute 3;
db waits for 1 more, sg becomes ready. The answer ends with:
action = complete vpc
next_clock = 3
next_provisioning = []
next_ready = [sg]
next_waiting = [db:1]

Answer with the action ("start <name>" or "complete <name>") and the state
after it, written exactly like this on the last five lines:
action = <start or complete> <name>
next_clock = <minute>
next_provisioning = [<name>@<finish>, ...]
next_ready = [<name>, ...]
next_waiting = [<name>:<count>, ...]`

// noPrev is how the prompt shows the previous action before the first step.
const noPrev = "none (this is the first event)"

// Hint is what the task attaches to its prompts for the simulator's oracle.
type Hint = scenario.Hint[State]

// Prompt implements [maker.Task]: the facts about the resources in the
// state, the previous action and the state. No earlier step is shown.
func (t *Task) Prompt(s State, prev string, _ int) maker.Prompt {
	var b strings.Builder
	b.WriteString("Facts about the resources in the state:\n")
	for _, r := range s.Ready {
		unit := "minutes"
		if t.p.minutes[r] == 1 {
			unit = "minute"
		}
		fmt.Fprintf(&b, "- %s ready, provisioning takes %d %s\n", r, t.p.minutes[r], unit)
	}
	for _, j := range sortedJobs(s.Provisioning) {
		fmt.Fprintf(&b, "- %s provisioning, ", j.Name)
		ds := t.p.g.Dependents[j.Name]
		if len(ds) == 0 {
			b.WriteString("needed by no resource\n")
			continue
		}
		b.WriteString("needed by ")
		for i, d := range ds {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s (%d in all)", d, len(t.p.g.Deps[d]))
		}
		b.WriteByte('\n')
	}
	if len(s.Ready) == 0 && len(s.Provisioning) == 0 {
		b.WriteString("- (nothing is ready or provisioning)\n")
	}
	shown := noPrev
	if prev != "" {
		shown = "action = " + prev
	}
	fmt.Fprintf(&b, "\nPrevious action: %s\nCurrent state:\n%s\n", shown, s.lines(""))
	b.WriteString("\nFollow the rule for one event. Finish your answer with:\naction = <start or complete> <name>\nnext_clock = ...\nnext_provisioning = [...]\nnext_ready = [...]\nnext_waiting = [...]")
	return maker.Prompt{System: t.system, User: b.String(), Hint: Hint{State: s, Prev: prev}}
}
