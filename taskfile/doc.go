// Package taskfile reads a MAKER task declared in a YAML file, so a
// sequential job can be run, simulated and checked without writing Go.
//
// A file gives the fixed system prompt, a user-prompt template over the
// current state, the previous action and the step number, the initial state,
// how an answer is read (a regular expression with the named groups action
// and state, or a JSON object checked against a JSON Schema), how the vote
// key is normalised, when the task ends, and optionally the expected answer
// of every step. The expected answers give the simulator an oracle and the
// run an after-the-fact check, so the file can be tested offline before any
// model is paid for. docs/taskfile.md describes the format field by field.
//
// A file may also give each step its own input (`inputs`: a JSON Lines,
// CSV or plain-lines file, streamed a record at a time, or an inline list),
// read its expected answers from a file (`expected_file`), and carry out
// each decided action with a program (`execute`): [Task.Acting] is then the
// task as a [github.com/maker-go/maker.Executor], and [Task.Executes] says
// that running it runs commands.
//
// The state is a string: whatever the model writes in the state group (or
// the "state" field of a JSON answer), trimmed. A bad file is reported as an
// [*Error] with the file, the line and the field, such as
//
//	task.yaml:7: answer.regex: missing named group "state"
package taskfile
