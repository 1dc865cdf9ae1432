package apitest

import (
	"slices"
	"strconv"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// Answer implements [maker.Oracle] for the simulator, from the prompt's
// hint: the action the procedure prescribes with its expected running
// list, and wrong answers that look right. Wrong[0], which a hard step
// repeats, is the slip an agent makes most: it starts the next test in
// order though its dependencies have not finished, or starts a test when it
// should wait or skip. Wrong[1] is the right action with the slots
// unchanged in the expectation; Wrong[2] sends the neighbouring user's id,
// or waits for the newest test instead of the oldest.
func (t *Task) Answer(p maker.Prompt) (maker.Answer, error) {
	in := t.inst
	s, right, err := scenario.HintedStep(p, in.Next, "apitest: the suite is finished")
	if err != nil {
		return maker.Answer{}, err
	}
	ans := scenario.NewAnswers(right.String(), right.String(), Expected(s, right))
	add := func(a Action, expect string) { ans.Add(a.String(), a.String(), expect) }
	// Wrong 0: start the lowest-numbered pending test other than the right
	// one, whatever its dependencies and the slots say.
	slip := Action{}
	for i, ts := range s.Tests {
		if ts.Status == Pending && in.Tests[i].ID != right.Test {
			slip = Action{Verb: VerbStart, Test: in.Tests[i].ID, Inputs: in.Inputs(s, i)}
			break
		}
	}
	if slip.Verb == "" || slices.ContainsFunc(slip.Inputs, func(x Input) bool { return x.Value == "" }) {
		slip = Action{Verb: VerbSkip, Test: right.Test}
		if right.Verb == VerbSkip && len(s.Running) > 0 {
			slip = Action{Verb: VerbAwait, Test: s.Running[0]}
		}
	}
	add(slip, Expected(s, slip))
	// Wrong 1: the right action, but the slots left as they were.
	add(right, s.Summary())
	// Wrong 2: a neighbour's id, or the newest running test awaited.
	w2 := right
	w2.Inputs = slices.Clone(right.Inputs)
	changed := false
	for j, x := range w2.Inputs {
		if x.Key == "id" {
			if n, err := strconv.Atoi(x.Value); err == nil {
				w2.Inputs[j].Value = strconv.Itoa(n + 1)
				changed = true
			}
		}
	}
	if !changed && len(s.Running) > 1 {
		w2 = Action{Verb: VerbAwait, Test: s.Running[len(s.Running)-1]}
		changed = true
	}
	if changed {
		add(w2, Expected(s, w2))
	}
	return ans.Answer, nil
}
