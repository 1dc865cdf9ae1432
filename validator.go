package maker

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"
)

// Validator is implemented by tasks that can tell, from one candidate and
// the state its step starts from, that the candidate is not well formed or
// not legal: "this SQL does not parse", "this move leaves a disk on a
// smaller one". It is a red flag beyond the parser's: a rejected sample is
// discarded before it votes ([FlagInvalid]) and replaced, never repaired,
// and the validator's reason is kept on the sample ([SampleRecord.FlagReason])
// and counted in [Summary.Invalid].
//
// A validator judges form and legality only. It never sees the expected
// answer and must not know it: a check of rightness is an oracle, and an
// oracle must never filter votes (it would make the vote the oracle's
// decision). Such a check belongs in [Checker], after the vote.
type Validator[S any] interface {
	// Validate returns nil for a candidate that may vote, or an error
	// saying why not. ctx ends when the run does.
	Validate(ctx context.Context, state S, c Candidate[S]) error
}

// FlagInvalid is the red flag of a sample the task's [Validator] rejected.
const FlagInvalid Flag = "invalid"

// MaxFlagReason bounds a validator's reason as a sample and the summary
// keep it: one short line.
const MaxFlagReason = 160

// maxReasons bounds the distinct reasons a summary counts; the rest are
// counted as [OtherReason].
const maxReasons = 32

// OtherReason counts, in [Summary.Invalid], the rejections whose reasons
// came after the summary had counted maxReasons distinct ones.
const OtherReason = "(other reasons)"

// Validate runs the task's [Validator], when it has one, on a parsed
// candidate: the flag and reason it earns, or FlagNone. The engine calls it
// before a sample votes; a calibration calls it so that it measures p among
// the samples a run would let vote.
func Validate[S any](ctx context.Context, task Task[S], state S, c Candidate[S]) (Flag, string) {
	v, ok := task.(Validator[S])
	if !ok {
		return FlagNone, ""
	}
	err := v.Validate(ctx, state, c)
	if err == nil {
		return FlagNone, ""
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return FlagInvalid, "the run ended while validating"
	}
	return FlagInvalid, FlagReason(err.Error())
}

// FlagReason is a reason as a sample keeps it: redacted, on one line, at
// most [MaxFlagReason] bytes.
func FlagReason(s string) string {
	s = strings.Join(strings.Fields(Redact(s)), " ")
	if len(s) > MaxFlagReason {
		cut := MaxFlagReason - len("...")
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	if s == "" {
		s = "rejected"
	}
	return s
}

// InvalidText lists the summary's invalid samples by the validator's
// reason, the commonest first ("table name missing 3; unbalanced
// parentheses 1"), or "" when the validator rejected none.
func (s *Summary) InvalidText() string { return reasonText(s.Invalid) }

// countReason counts one rejection by reason in m, bounding the reasons.
func countReason(m map[string]int64, reason string) {
	if _, ok := m[reason]; !ok && len(m) >= maxReasons {
		reason = OtherReason
	}
	m[reason]++
}
