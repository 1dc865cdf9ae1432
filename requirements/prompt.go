package requirements

import (
	"fmt"
	"strings"

	"github.com/maker-go/maker"
)

// preamble opens every system prompt: why the work is cut so fine.
const preamble = `You help define a software project's requirements before any code is written, one small decision at a time, so that nobody builds features that were not asked for.
`

// The system prompts, one per kind of step, each fixed so providers can
// cache it.
var systemPrompts = map[Kind]string{
	KindPurposeProposal: preamble + `
Propose the project's core purpose: one sentence of 6 to 30 words that says who uses it and what it does, and nothing the request does not ask for. No slogans and no vague qualities (powerful, flexible, scalable, user-friendly...).

Answer with exactly one line and nothing else:
purpose = <the sentence>`,

	KindPurposeChoice: preamble + `
Several people proposed a core purpose for the project. Choose the proposal that states what the request asks for, no more and no less.

Answer with exactly these two lines and nothing else:
choice = <the number of the proposal>
purpose = <the chosen proposal, copied exactly>`,

	KindFeatureProposal: preamble + `
List the features the request itself needs to meet its purpose: only what a user of that purpose cannot do without, at most 8. Leave out everything that is merely common or useful.

Answer with exactly these lines and nothing else:
features:
- <id>: <what it does, one sentence of at most 25 words>
where <id> is lowercase words joined by hyphens, such as create-order.`,

	KindScope: preamble + `
Decide whether ONE feature is in the project's scope. It is IN only if the request or the purpose needs it; anything else is a NON-GOAL, however common or useful it is.

Answer with exactly these three lines and nothing else:
feature = <the feature's id>
decision = IN or NON-GOAL
reason = <one sentence of at most 30 words>`,

	KindCriteria: preamble + `
Write the acceptance criteria of ONE feature that is in scope: 1 to 5 criteria, each a test written as WHEN <trigger> THEN <observable outcome>, at most 40 words. The outcome must be something a test can observe: a status code, a response, what is stored, listed or returned. No vague qualities (fast, user-friendly, intuitive, scalable...) unless with a number, and never mention another feature.

Answer with exactly these lines and nothing else:
feature = <the feature's id>
criteria:
- WHEN <trigger> THEN <observable outcome>`,
}

// Hint is what a prompt carries for the [Intent] that plays the model in
// the simulator: the step and everything its prompt shows.
type Hint struct {
	Kind    Kind
	Request string
	Purpose string
	// Index is the proposer's number, for proposal steps.
	Index int
	// Choices are the numbered proposals, for the purpose vote.
	Choices []string
	// Feature is the feature a scope or criteria step is about.
	Feature Feature
}

// prompt renders the step a document needs next: the request and, once
// chosen, the purpose, plus the one thing the step decides. Nothing about
// earlier decisions leaks in.
func prompt(d Doc, n next) maker.Prompt {
	var b strings.Builder
	fmt.Fprintf(&b, "Request: %s\n", d.Request)
	h := Hint{Kind: n.kind, Request: d.Request, Purpose: d.Purpose, Index: n.index, Feature: n.feature}
	switch n.kind {
	case KindPurposeProposal:
		b.WriteString("\nPropose the core purpose.")
	case KindPurposeChoice:
		b.WriteString("\nProposals:\n")
		for i, c := range d.Choices {
			fmt.Fprintf(&b, "%d. %s\n", i+1, c)
		}
		b.WriteString("\nChoose one.")
		h.Choices = d.Choices
	case KindFeatureProposal:
		fmt.Fprintf(&b, "Purpose: %s\n\nList the features.", d.Purpose)
	case KindScope, KindCriteria:
		fmt.Fprintf(&b, "Purpose: %s\nFeature: %s (%s): %s\n", d.Purpose, n.feature.ID, n.feature.Name, n.feature.Description)
		if n.kind == KindScope {
			b.WriteString("\nDecide IN or NON-GOAL.")
		} else {
			b.WriteString("\nWrite its acceptance criteria.")
		}
	}
	return maker.Prompt{System: systemPrompts[n.kind], User: b.String(), Hint: h}
}
