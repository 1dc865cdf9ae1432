package requirements

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

// walk answers every step of a scripted request with its intent's right
// answer and returns every answer the intent gives, right and wrong, and
// the document before each kind of step (plus the finished one).
func walk(tb testing.TB, request string) (*Task, []string, []Doc) {
	tb.Helper()
	intent, err := Scripted(request)
	if err != nil {
		tb.Fatal(err)
	}
	task, err := New(request, Options{Intent: intent})
	if err != nil {
		tb.Fatal(err)
	}
	var answers []string
	var docs []Doc
	seen := map[Kind]bool{}
	d := task.Initial()
	for step := 0; !task.Done(d, step); step++ {
		if k, _ := d.Next(); !seen[k] {
			seen[k] = true
			docs = append(docs, d)
		}
		ans, err := intent.Answer(task.Prompt(d, "", step))
		if err != nil {
			tb.Fatal(err)
		}
		answers = append(answers, ans.Right)
		answers = append(answers, ans.Wrong...)
		c, err := task.Parse(ans.Right)
		if err != nil {
			tb.Fatalf("step %d: right answer %q: %v", step+1, ans.Right, err)
		}
		if d, err = task.Execute(context.Background(), d, c); err != nil {
			tb.Fatalf("step %d: %v", step+1, err)
		}
	}
	return task, answers, append(docs, d)
}

// render writes an item back in its answer format.
func render(it Item) string {
	switch it.Kind {
	case KindPurposeProposal:
		return "purpose = " + it.Text
	case KindPurposeChoice:
		return renderChoice(it.Choice, it.Text)
	case KindFeatureProposal:
		fs := make([]IntentFeature, len(it.Features))
		for i, f := range it.Features {
			fs[i] = IntentFeature{ID: f.ID, Description: f.Description}
		}
		return renderFeatures(fs)
	case KindScope:
		return renderScope(it.Feature, it.Decision, it.Reason)
	case KindCriteria:
		return renderCriteria(it.Feature, it.Criteria)
	}
	return ""
}

// FuzzParse feeds the strict answer parser, gates included, arbitrary model
// output. It must never panic; every rejection is a *GateError naming a
// known gate and wraps maker.ErrMalformed; an accepted answer reads back
// with the same vote key when written in its format; and the checker and
// executor take it, right or wrong for the step, at every stage of a
// document without panicking.
func FuzzParse(f *testing.F) {
	var (
		task *Task
		docs []Doc
	)
	for _, req := range Requests() {
		t, answers, ds := walk(f, req)
		if task == nil {
			task = t
		}
		docs = append(docs, ds...)
		for _, a := range answers {
			f.Add(a)
		}
	}
	for _, s := range []string{
		"\n purpose = Let a client turn a long URL into a short code that redirects to it.\n",
		"purpose = Let a client turn a long URL into a short code.\nThat is all.",
		"choice = 0\npurpose = Shorten URLs for clients over HTTP right now.",
		"choice = 99\npurpose = Shorten URLs for clients over HTTP right now.",
		"features:\n- Shorten URL: Create a short code.",
		"features:\n- redirect: a.\n- redirect: b.",
		"feature = webhooks\ndecision = non-goal\nreason = Nobody asked for it.",
		"feature = redirect\ncriteria:\n- WHEN anyone GETs /abc THEN the API returns 301\n- The API should be fast.",
		"feature = redirect\ncriteria:",
		"feature = \ncriteria:\n- WHEN x THEN 200",
		"purpose = é.",
		"Sure! Here is my answer.",
		"",
	} {
		f.Add(s)
	}
	known := map[Gate]bool{}
	for _, g := range Gates {
		known[g] = true
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := task.Parse(text)
		if err != nil {
			if !errors.Is(err, ErrGate) || !known[GateOf(err)] {
				t.Fatalf("Parse(%q): %v is not a gate error (gate %q)", text, err, GateOf(err))
			}
			if !errors.Is(err, maker.ErrMalformed) {
				t.Fatalf("Parse(%q): %v does not wrap maker.ErrMalformed", text, err)
			}
			return
		}
		it := c.State.Last
		if it == nil || c.Action == "" {
			t.Fatalf("Parse(%q) accepted %+v with action %q", text, it, c.Action)
		}
		again, err := task.Parse(render(*it))
		if err != nil || task.Key(again) != task.Key(c) {
			t.Fatalf("Parse(%q) has key %q; written back as %q it reads %q (%v)", text, task.Key(c), render(*it), task.Key(again), err)
		}
		for i, d := range docs {
			_ = task.Check(i, d, c)
			_, _ = task.Execute(context.Background(), d, c)
		}
	})
}

// FuzzNew feeds a request, the command line's argument, to New and
// Scripted. Neither may panic; a request New takes is kept with its
// spacing normalised and within the length limit, and its first prompt
// renders. The seeds stay short: the fuzzer minimises every new input, and
// minimising a long one takes it most of a short run.
func FuzzNew(f *testing.F) {
	for _, r := range Requests() {
		f.Add(r)
		f.Add(strings.ToUpper(r) + ".")
	}
	for _, s := range []string{
		"Build a URL shortener",
		"  Build\tan   email\nclient  ",
		"email email-e-mail notifications",
		"\x00\xff",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, request string) {
		if in, err := Scripted(request); err == nil && in == nil {
			t.Fatalf("Scripted(%q): no intent and no error", request)
		} else if err != nil && !errors.Is(err, ErrUnscripted) {
			t.Fatalf("Scripted(%q): %v does not wrap ErrUnscripted", request, err)
		}
		task, err := New(request, Options{})
		if err != nil {
			return
		}
		want := strings.Join(strings.Fields(request), " ")
		if task.Request() != want || want == "" || len(want) > maxRequestLen {
			t.Fatalf("New(%q) kept the request %q", request, task.Request())
		}
		if p := task.Prompt(task.Initial(), "", 0); !strings.Contains(p.User, want) {
			t.Fatalf("New(%q): the first prompt does not hold the request:\n%s", request, p.User)
		}
	})
}
