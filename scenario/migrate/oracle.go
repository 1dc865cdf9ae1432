package migrate

import (
	"strconv"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// Answer implements [maker.Oracle] for the simulator, from the prompt's
// hint: the procedure's action with the state it is meant to lead to, and
// wrong answers that look right. Wrong[0], which a hard step repeats, is
// the shortcut an operator is tempted by: apply the next migration
// without the backup, the maintenance window, the validation or the
// rollback the procedure asks for first. Wrong[1] is the right action
// with the state left as it was in the expectation; Wrong[2] names the
// neighbouring position or migration.
func (t *Task) Answer(p maker.Prompt) (maker.Answer, error) {
	s, right, err := scenario.HintedStep(p, Next, "migrate: the migration is verified")
	if err != nil {
		return maker.Answer{}, err
	}
	ans := scenario.NewAnswers(right, right.String(), Intended(s, right).Summary())
	add := func(a Action, expect string) { ans.Add(a, a.String(), expect) }
	// Wrong 0: the shortcut.
	n := s.next()
	if right.Verb == VerbApply || right.Verb == VerbValidate {
		n = planIndex(right.Arg) + 1
	}
	shortcut := Action{VerbVerify, ""}
	if n < len(Plan) && !s.Halted {
		shortcut = Action{VerbApply, Plan[n].ID}
	}
	if shortcut == right || right.Verb == VerbVerify {
		shortcut = Action{VerbHalt, ""}
	}
	add(shortcut, Intended(s, shortcut).Summary())
	// Wrong 1: the right action, nothing changed in the expectation.
	if s.Summary() != Intended(s, right).Summary() {
		add(right, s.Summary())
	} else {
		flip := Intended(s, right)
		flip.Maintenance = !flip.Maintenance
		add(right, flip.Summary())
	}
	// Wrong 2: a neighbouring argument.
	w2 := right
	switch right.Verb {
	case VerbBackup, VerbRestore:
		p, _ := strconv.Atoi(right.Arg)
		w2.Arg = strconv.Itoa(p + 1)
	case VerbApply, VerbValidate:
		if i := planIndex(right.Arg); i > 0 {
			w2.Arg = Plan[i-1].ID
		} else {
			w2.Arg = Plan[i+1].ID
		}
	case VerbMaintenance:
		w2.Arg = map[string]string{"on": "off", "off": "on"}[right.Arg]
	default:
		w2 = Action{VerbMaintenance, "on"}
	}
	add(w2, Intended(s, w2).Summary())
	return ans.Answer, nil
}
