package requirements

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/maker-go/maker"
)

// Gate names the quality gate that red-flagged an answer. Every gate works
// as a red flag: the parser rejects the answer, the engine discards the
// sample and draws another, and nothing is repaired.
type Gate string

// The gates, in the order they are checked.
const (
	// GateFormat: the answer is not in the step's exact format.
	GateFormat Gate = "format"
	// GateTooLong: a purpose, reason or list longer than allowed.
	GateTooLong Gate = "too_long"
	// GateVague: a vague word (fast, user-friendly, intuitive, scalable...)
	// with no number or threshold that would make it testable.
	GateVague Gate = "vague"
	// GateUntestable: a criterion whose outcome names nothing a test can
	// observe (a status code, a response, what is stored or listed).
	GateUntestable Gate = "untestable"
	// GateOffPurpose: a criterion that names another catalogue feature,
	// reaching outside the feature it specifies (and, when that feature is
	// a non-goal, outside the purpose). A [Task] exempts the words its
	// request uses.
	GateOffPurpose Gate = "off_purpose"
)

// Gates lists every gate, for reports.
var Gates = []Gate{GateFormat, GateTooLong, GateVague, GateUntestable, GateOffPurpose}

// ErrGate is wrapped by every [GateError].
var ErrGate = errors.New("requirements: quality gate")

// GateError is why the parser rejected an answer: the gate and what it saw.
type GateError struct {
	Gate   Gate
	Detail string
}

// Error names the gate and what tripped it.
func (e *GateError) Error() string { return fmt.Sprintf("%s: %s", e.Gate, e.Detail) }

// Unwrap makes errors.Is(err, ErrGate) true, and errors.Is(err,
// maker.ErrMalformed): a gate rejects the answer as every task's parser
// rejects one off its format, and the engine red-flags it alike.
func (e *GateError) Unwrap() []error { return []error{ErrGate, maker.ErrMalformed} }

func gateErr(g Gate, format string, args ...any) error {
	return &GateError{Gate: g, Detail: fmt.Sprintf(format, args...)}
}

// GateOf returns the gate that produced err, or "" when err is not a gate
// error.
func GateOf(err error) Gate {
	var ge *GateError
	if errors.As(err, &ge) {
		return ge.Gate
	}
	return ""
}

// Limits of the answers.
const (
	maxPurposeWords   = 30
	minPurposeWords   = 6
	maxReasonWords    = 30
	maxCriterionWords = 40
	maxCriteria       = 5
	maxProposed       = 8
	maxDescWords      = 25
	maxIDLen          = 40
)

// vagueRe matches the words that promise a quality without saying how
// much of it. Each is fine next to a threshold ("within 200 ms").
var vagueRe = regexp.MustCompile(`(?i)\b(fast|faster|quick|quickly|speedy|performant|high-performance|efficient|efficiently|scalable|scales|user-friendly|intuitive|intuitively|easy|easily|seamless|seamlessly|robust|smooth|smoothly|responsive|modern|nice|good|flexible|powerful|lightweight|appropriate|appropriately|properly|reasonable|reasonably|secure|securely|reliable|reliably)\b`)

// hypeRe matches the words that make a purpose a slogan.
var hypeRe = regexp.MustCompile(`(?i)\b(solution|solutions|everything|all-in-one|next-generation|world-class|cutting-edge|innovative|comprehensive|best-in-class|ultimate|synergy)\b`)

// thresholdRe matches a number with a unit, or a bound on a number, which
// turns a vague word into a testable threshold.
var thresholdRe = regexp.MustCompile(`(?i)(\b\d+(\.\d+)?\s*(ms|milliseconds?|s|seconds?|minutes?|hours?|%|percent|requests?|req/s|rps|users?|clients?|items?|tasks?|links?|kb|mb|gb)\b|\b(within|under|below|above|over|at most|at least|less than|more than|no more than|up to|p\d\d)\s+\d)`)

// observableRe matches what a test can observe in an outcome: a status code
// or a verb or noun of the interface's visible behaviour.
var observableRe = regexp.MustCompile(`(?i)(\b[1-5]\d\d\b|\b(returns?|returned|responds?|response|lists?|listed|includes?|included|contains?|shows?|shown|stores?|stored|persists?|persisted|saves?|saved|rejects?|rejected|redirects?|redirected|removes?|removed|deletes?|deleted|creates?|created|updates?|updated|sets?|records?|recorded|appears?|equals?|header|field|status|error|body|count|exists?|absent|unchanged|stays)\b)`)

// criterionRe is the strict form of one criterion.
var criterionRe = regexp.MustCompile(`^WHEN (\S.*?) THEN (\S.*)$`)

// CheckCriterion runs the quality gates on one acceptance criterion (the
// text after "- ") of the feature with id feature, and returns a
// [*GateError] naming the first gate it fails, or nil. The gates are, in
// order: vague (a vague word with no threshold), untestable (no observable
// outcome), off_purpose (another catalogue feature named) and format (not
// WHEN <trigger> THEN <outcome>, or too long). They check the form of the
// criterion, not whether it is what the user wants.
func (c Catalogue) CheckCriterion(feature, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return gateErr(GateFormat, "empty criterion")
	}
	if m := vagueRe.FindString(text); m != "" && !thresholdRe.MatchString(text) {
		return gateErr(GateVague, "%q with no number or threshold in %q", m, text)
	}
	outcome := text
	if m := criterionRe.FindStringSubmatch(text); m != nil {
		outcome = m[2]
	}
	if !observableRe.MatchString(outcome) {
		return gateErr(GateUntestable, "no observable outcome in %q", text)
	}
	if f, kw, ok := c.mentions(feature, text); ok {
		return gateErr(GateOffPurpose, "%q names %s (%q), another feature", text, f.ID, kw)
	}
	if !criterionRe.MatchString(text) {
		return gateErr(GateFormat, "%q is not WHEN <trigger> THEN <outcome>", text)
	}
	if n := len(strings.Fields(text)); n > maxCriterionWords {
		return gateErr(GateTooLong, "criterion of %d words (at most %d)", n, maxCriterionWords)
	}
	return nil
}

// checkPurpose runs the gates on a proposed purpose: one sentence of 6 to
// 30 words, no slogan and no vague quality.
func checkPurpose(text string) error {
	if text == "" || strings.ContainsAny(text, "\n\r") {
		return gateErr(GateFormat, "the purpose must be one line")
	}
	if !strings.HasSuffix(text, ".") || strings.Count(text, ". ") > 0 || strings.ContainsAny(text[:len(text)-1], "!?;") {
		return gateErr(GateFormat, "the purpose must be exactly one sentence ending with a full stop: %q", text)
	}
	words := len(strings.Fields(text))
	if words > maxPurposeWords {
		return gateErr(GateTooLong, "purpose of %d words (at most %d)", words, maxPurposeWords)
	}
	if words < minPurposeWords {
		return gateErr(GateVague, "purpose of %d words says too little (at least %d)", words, minPurposeWords)
	}
	if m := hypeRe.FindString(text); m != "" {
		return gateErr(GateVague, "%q in the purpose %q", m, text)
	}
	if m := vagueRe.FindString(text); m != "" && !thresholdRe.MatchString(text) {
		return gateErr(GateVague, "%q with no number or threshold in the purpose %q", m, text)
	}
	return nil
}

// checkSentence checks a one-sentence free-text field (a reason, a feature
// description): present, on one line, within the word limit.
func checkSentence(field, text string, maxWords int) error {
	if strings.TrimSpace(text) == "" {
		return gateErr(GateFormat, "%s is empty", field)
	}
	if n := len(strings.Fields(text)); n > maxWords {
		return gateErr(GateTooLong, "%s of %d words (at most %d)", field, n, maxWords)
	}
	return nil
}
