// Package requirements defines a project's requirements before any code is
// written, by voting, so that coding agents do not build features nobody
// asked for.
//
// The definition is an ordinary MAKER task ([Task], a [maker.Task] over the
// document built so far), run with [maker.Run], so every decision is voted,
// red-flagged, journaled and summarised like any other step:
//
//   - Purpose. Several proposers each write a one-sentence core purpose
//     (one sample each, at a raised temperature, see [WithProposalTemperature]);
//     then one voted step chooses among the numbered proposals. The votes are
//     cast on a proposal number, so votes can agree even though the
//     proposals are free text.
//   - Scope. Every candidate feature, from a [Catalogue] of commonly
//     over-built features plus the features the proposers list, is decided
//     IN or NON-GOAL by its own voted step. The prompt shows the request, the
//     chosen purpose and that one feature, nothing else.
//   - Acceptance criteria. Every feature in scope gets a short list of
//     criteria in a strict WHEN ... THEN ... form, decided by its own voted
//     step. Quality gates ([CheckCriterion]) red-flag criteria that are
//     vague, untestable or that reach into another feature: the sample is
//     discarded and replaced, never repaired, and [Tracker] counts the
//     discards by gate.
//
// [Export] turns the finished document into Markdown for people and JSON for
// coding agents, non-goals first in both.
//
// What voting adds, and what it does not: under independent samples, a
// decision that wins by k votes is far less likely to be a one-off slip than
// a single sample, so a feature that one sample would have spilled into
// scope stays out. Voting does not make the requirements right: if the model
// consistently misreads the request, every sample agrees on the misreading.
// The gates check form (a threshold, an observable outcome, no other
// feature's words), not truth.
//
// With the simulated model, a scripted user intent ([Intent], for the
// requests in [Requests]) plays the model and the checker: it knows the
// intended purpose, the features in scope and good criteria, and makes the
// mistakes a model makes (a feature spilled into scope, "The API should be
// fast").
package requirements
