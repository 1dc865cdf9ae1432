package provider

import (
	"errors"
	"fmt"
)

// ErrImpossibleUsage is the error of a response whose token counts cannot
// be true (see [CheckUsage]).
var ErrImpossibleUsage = errors.New("the server reported impossible token usage")

// MaxTokenCount is the most tokens one request may report for its input or
// its output: far above any model's context window (a few million tokens),
// far below what could overflow a cost or a run's totals.
const MaxTokenCount = 1 << 24

// CheckUsage returns an [*Error] wrapping [ErrImpossibleUsage] when the
// token counts a server reported for one request cannot be true: negative,
// above [MaxTokenCount], or more cached input than input. Such a response
// is not trusted at all (its answer neither): counts like these would make
// a cost negative, which would defeat --max-cost, or overflow it. The error
// is retryable, so one glitch costs one retry (counted in the summary's
// retries) and a server that keeps lying ends the run with this error. The
// counts are int64 so that a value beyond an int's range is seen as it came.
func CheckUsage(info Info, input, cached, output int64) error {
	var why string
	switch {
	case input < 0 || cached < 0 || output < 0:
		why = "a negative count"
	case input > MaxTokenCount || output > MaxTokenCount || cached > MaxTokenCount:
		why = fmt.Sprintf("a count above %d", MaxTokenCount)
	case cached > input:
		why = "more cached input than input"
	default:
		return nil
	}
	return &Error{Info: info, Retryable: true, Message: fmt.Sprintf("%s (input %d, cached %d, output %d)", why, input, cached, output),
		Err: ErrImpossibleUsage}
}
