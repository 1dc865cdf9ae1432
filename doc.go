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
package maker
