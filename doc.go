// Package maker runs long chains of dependent LLM steps without errors, using
// the MAKER method of Meyerson et al. (2025), "Solving a Million-Step LLM Task
// with Zero Errors".
//
// Three mechanisms work together:
//
//   - Maximal agentic decomposition. A [Task] is cut into steps so small that
//     one model call decides one step. The call sees only the fixed strategy
//     (the [Prompt]), the previous action and the current state, and answers
//     with the action and the next state: the model is the transition
//     function, so no step needs the history.
//   - First-to-ahead-by-k voting. [Run] samples a step until one candidate
//     (action, next state) has k more votes than any other. If one sample is
//     right with probability p > 0.5, the step is decided right with
//     probability 1/(1+((1-p)/p)^k), so k only has to grow with the logarithm
//     of the number of steps. The first k samples go out at once; later ones
//     only as the leader needs them; samples still running when a candidate
//     wins are cancelled.
//   - Red-flagging. A response that is too long, cut off, too short, a refusal
//     or not in the task's exact format is discarded before it votes and is
//     never repaired ([Flag]). Long and malformed answers are where correlated
//     errors cluster, and dropping them keeps the votes independent.
//
// A step that does not converge within the sample cap is an error
// ([ErrNoConsensus]), never a plurality decision, and nothing that knows the
// right answer (a [Checker], an [Oracle]) ever filters votes: the checker only
// reports, after a step is decided, whether it was right.
//
// The package holds the domain: the [Task] and [Model] interfaces, the voting
// engine ([Run], [Tally]), red flags, budgets and the run summary.
// Implementations live in subpackages named after what they adapt: hanoi (the
// Towers of Hanoi benchmark), sim (the simulated model), and the providers.
//
// # Writing a task
//
// A task is any job that can be written as a chain of small steps, each a
// pure function of the current state: S is the state type, and the five
// methods of [Task] say how a step is shown to the model and how its answer
// is read back.
//
// A step is one decision the model can make reliably from what the prompt
// shows: one move, one cell, one item appended. [Task.Prompt] renders it
// from the current state, the previous action and the step number only, with
// the same fixed system text every time. Nothing else may leak in: votes
// agree only when every sample sees the same prompt, and a prompt that grows
// with the history makes late steps harder than early ones.
//
// The model answers with the action AND the state it leads to. Asking for
// the next state makes the model the transition function, so the task needs
// no simulator of its own world, and it puts the model's understanding of
// the step into the vote: a sample that names the right action but gets the
// consequence wrong votes for a different candidate and cannot help a wrong
// state through.
//
// [Task.Parse] is the red-flagging parser. Read the exact format and nothing
// else: a missing line, an extra field, a word where a number belongs is an
// error, and the sample is discarded and replaced. Never repair an answer
// (trimming the text around the answer lines is fine; guessing what a
// mangled line meant is not), because an answer the model could not write
// cleanly is more likely to be wrong, and a repaired answer would vote as if
// it were sound. Parse checks form, not legality: whether the move is
// allowed is for the [Checker], after the vote.
//
// [Task.Key] turns a candidate into the string votes are counted on. It must
// be canonical: two answers that mean the same thing must give the same key
// (strip spacing, fix the order of unordered parts, render numbers one way),
// and two that mean different things must not. A key that is too fine splits
// the votes of a right answer and the step needs more samples; one that is
// too coarse merges a right answer with a wrong one.
//
// [Task.Done] ends the run; [Task.Steps] gives the length when it is known,
// which is what lets a caller plan the margin k before spending anything.
//
// # Testing a task offline
//
// Give the task an [Oracle]: a function from a prompt to the right answer
// and a few wrong ones that look right, written in the task's own response
// format. The sim subpackage turns an oracle into a [Model] with an error
// model shaped like a real one (wrong answers, malformed answers,
// over-long ones, correlated errors on hard steps), so the whole pipeline
// (prompt, parser, key, voting, red flags, checker) runs in a test without a
// network:
//
//	model, _ := sim.New(task, sim.DefaultConfig())
//	res, err := maker.Run(ctx, task, model, maker.Config{Ordered: true})
//
// The oracle reads [Prompt.Hint], which the task sets to whatever it needs
// (usually the state and the previous action), so it never has to parse its
// own prompt back. The oracle plays the model; the engine never sees it.
//
// # Checking after the fact
//
// A task that can tell whether a decided step was right implements
// [Checker]. The engine calls Check after each vote and records a wrong step
// in the [StepRecord] and the [Summary]; a run with a wrong step is not a
// success. The checker never filters, reorders or repeats votes: a check
// that filtered votes would make the run depend on knowing the answer, and
// the measured error rates would mean nothing for the tasks where no checker
// exists.
//
// # The world as the transition
//
// When the next state must come from a real system (a file system, a
// database, a compiler), implement [Executor] as well: the model is then the
// policy, the vote picks the action, and Execute carries it out and returns
// the state the system reports. The model still proposes a next state, which
// keeps its answers comparable across samples, but the state carried forward
// is the executor's.
//
// # Running
//
// [Run] takes the task, a [Model] (a provider opened with [OpenModel], or the
// simulator) and a [Config]; the zero Config is usable. It returns a
// [Result] with the final state, the decided actions and a [Summary] of what
// the run did and cost, and stops with [ErrNoConsensus], [ErrBudget] or
// [ErrStepLimit] rather than guess. Each [Observer] in the Config sees every
// decided step, for journals and progress.
package maker
