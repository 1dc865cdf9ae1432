package runs

import "fmt"

// How a run ends, as the command line's exit status: a run's error that
// is an [ExitError] says which.
const (
	ExitFailed = 1 // the task failed: a wrong or undecided step
	ExitUsage  = 2 // bad flags, params or settings
	ExitBudget = 3 // a budget limit stopped the run
	// ExitOutput: the task succeeded, but a file it was to leave (the
	// report, an export, the journal's record of the end) could not be
	// written.
	ExitOutput = 4
	// ExitInterrupted: SIGINT or SIGTERM stopped the run, as the shell's
	// 128+SIGINT convention has it.
	ExitInterrupted = 130
)

// ExitError is an error with the exit status the command line gives it.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// Is makes a usage error (a bad flag, param or setting) an [ErrInvalid]
// too, so a service answers it as bad input.
func (e *ExitError) Is(target error) bool {
	return target == ErrInvalid && e.Code == ExitUsage
}

// Explained is an error told in words for people: Error is the text, and
// the error it explains stays in the chain for errors.Is and errors.As.
type Explained struct {
	Text  string
	Cause error
}

func (e *Explained) Error() string { return e.Text }
func (e *Explained) Unwrap() error { return e.Cause }

// Plural is one for a count of 1, many otherwise.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// UsageErr marks bad input: exit status [ExitUsage], and [ErrInvalid].
func UsageErr(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// Internal short names, as the command line's code had them.
type (
	exitError = ExitError
	explained = Explained
)

const (
	exitFailed      = ExitFailed
	exitUsage       = ExitUsage
	exitBudget      = ExitBudget
	exitOutput      = ExitOutput
	exitInterrupted = ExitInterrupted
)

func usageErr(format string, args ...any) error { return UsageErr(format, args...) }
func plural(n int, one, many string) string     { return Plural(n, one, many) }
