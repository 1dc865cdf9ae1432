package pgerr

import (
	"errors"
	"fmt"
	"testing"
)

func TestClean(t *testing.T) {
	base := errors.New("refused")
	tests := []struct {
		err    error
		secret string
		want   string
	}{
		{fmt.Errorf("open: %w", base), "", "open: refused"},
		{fmt.Errorf("open s3cret:\n\ta: %w\n\tb: %w", base, base), "s3cret", "open [redacted]: a: refused; b: refused"},
		{fmt.Errorf("password s3cret: %w", base), "s3cret", "password [redacted]: refused"},
	}
	for _, tc := range tests {
		got := Clean(tc.err, tc.secret)
		if got.Error() != tc.want || !errors.Is(got, base) {
			t.Errorf("Clean(%q) = %q (is base: %v), want %q", tc.err, got, errors.Is(got, base), tc.want)
		}
	}
	if Clean(nil, "x") != nil {
		t.Error("Clean(nil) is not nil")
	}
	if err := fmt.Errorf("plain: %w", base); Clean(err, "s3cret") != err {
		t.Error("an error with nothing to clean was wrapped")
	}
}
