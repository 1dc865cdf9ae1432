package deploy

import (
	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// Answer implements [maker.Oracle] for the simulator, from the prompt's
// hint: the procedure's action with the state it is meant to lead to, and
// wrong answers that look right. Wrong[0], which a hard step repeats, is
// the shortcut that costs availability: upgrade without draining, enable
// without a health check, enable the unhealthy instance instead of rolling
// it back, drain the next instance before the stage check. Wrong[1] is the
// right action expecting nothing to change; Wrong[2] acts on the
// neighbouring instance.
func (t *Task) Answer(p maker.Prompt) (maker.Answer, error) {
	in := t.inst
	s, right, err := scenario.HintedStep(p, in.Next, "deploy: the deployment is settled")
	if err != nil {
		return maker.Answer{}, err
	}
	ans := scenario.NewAnswers(right, in.Format(right), in.Summary(in.Intended(s, right), right))
	add := func(a Action, expect string) { ans.Add(a, in.Format(a), expect) }
	// Wrong 0: the shortcut.
	short := right
	switch right.Verb {
	case VerbDrain:
		short.Verb = VerbUpgrade
	case VerbCheck, VerbRollback:
		short.Verb = VerbEnable
	case VerbUpgrade:
		short.Verb = VerbEnable
	case VerbEnable:
		short.Verb = VerbVerify
		short.Node = -1
	case VerbVerify, VerbHold:
		short = Action{Verb: VerbDrain, Service: right.Service, Node: 0}
		for ni, nd := range s.Services[right.Service].Nodes {
			if nd.Version != in.To {
				short.Node = ni
				break
			}
		}
	}
	add(short, in.Summary(in.Intended(s, short), short))
	// Wrong 1: the right action, nothing changed in the expectation.
	add(right, in.Summary(s, right))
	// Wrong 2: the neighbouring instance, or the next service.
	w2 := right
	if right.Node >= 0 {
		w2.Node = (right.Node + 1) % len(s.Services[right.Service].Nodes)
	} else {
		w2.Service = (right.Service + 1) % len(s.Services)
	}
	add(w2, in.Summary(in.Intended(s, w2), w2))
	return ans.Answer, nil
}
