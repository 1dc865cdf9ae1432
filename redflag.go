package maker

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Flag is the reason a sample was discarded before it could vote.
type Flag string

// The red flags. A flagged sample is replaced by a new one and never repaired.
const (
	FlagNone      Flag = ""
	FlagTooLong   Flag = "too_long"  // more output tokens than the limit
	FlagTruncated Flag = "truncated" // cut off by the token limit (finish reason "length")
	FlagTooShort  Flag = "too_short" // fewer characters than the minimum
	FlagRefusal   Flag = "refusal"   // matches a refusal pattern
	FlagMalformed Flag = "malformed" // the task's strict parser rejected it
)

// Red-flag defaults, the paper's where it gives them.
const (
	DefaultMaxTokens = 750
	DefaultMinChars  = 8
)

// DefaultRefusalPatterns match answers that open by declining. They are
// anchored at the start because a sound answer may well say "I cannot move
// disk 3 there" in its reasoning.
var DefaultRefusalPatterns = []string{
	`(?i)^\W*(I cannot|I can't|I can not|I'm unable|I am unable|I won't|I will not|I'm sorry|I am sorry|Sorry,|As an AI)`,
}

// RedFlags decides which samples are discarded before voting.
type RedFlags struct {
	// MaxTokens is the most output tokens a valid answer may have.
	MaxTokens int
	// MinChars is the fewest characters (after trimming) a valid answer has.
	MinChars int
	refusals []*regexp.Regexp
}

// NewRedFlags compiles the refusal patterns (regular expressions); nil means
// [DefaultRefusalPatterns] and an empty slice none. Zero limits take the
// defaults.
func NewRedFlags(maxTokens, minChars int, refusalPatterns []string) (*RedFlags, error) {
	if maxTokens < 0 || minChars < 0 {
		return nil, fmt.Errorf("red flags: negative limit (max tokens %d, min chars %d)", maxTokens, minChars)
	}
	if maxTokens == 0 {
		maxTokens = DefaultMaxTokens
	}
	if minChars == 0 {
		minChars = DefaultMinChars
	}
	if refusalPatterns == nil {
		refusalPatterns = DefaultRefusalPatterns
	}
	rf := &RedFlags{MaxTokens: maxTokens, MinChars: minChars}
	for _, p := range refusalPatterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("red flags: refusal pattern %q: %w", p, err)
		}
		rf.refusals = append(rf.refusals, re)
	}
	return rf, nil
}

// Check returns the flag a response earns before it is parsed, or FlagNone.
// The order matters only for the reason counted: length first, because long
// answers are where errors cluster.
func (rf *RedFlags) Check(r Response) Flag {
	if f := rf.checkLength(r); f != FlagNone {
		return f
	}
	return rf.checkText(r.Text)
}

// checkLength is the part of Check that looks at the token count and the
// finish reason.
func (rf *RedFlags) checkLength(r Response) Flag {
	switch {
	case r.Finish == FinishLength:
		return FlagTruncated
	case r.OutputTokens > rf.MaxTokens:
		return FlagTooLong
	}
	return FlagNone
}

// checkText is the part of Check that depends on the text alone.
func (rf *RedFlags) checkText(text string) Flag {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) < rf.MinChars {
		return FlagTooShort
	}
	for _, re := range rf.refusals {
		if re.MatchString(text) {
			return FlagRefusal
		}
	}
	return FlagNone
}
