package runs

import (
	"testing"
	"time"
)

// TestProgressPace: the bar's pace and time left count the steps decided
// while it is up, whatever step the bar starts at.
func TestProgressPace(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		paced   int
		elapsed time.Duration
		at      int
		want    string
	}{
		{"too few steps to tell", 9, time.Second, 900, "samples 0, flagged 0"},
		{"resumed at step 900", 10, 2 * time.Second, 910, "samples 0, flagged 0, 5 steps/s, 23s left"},
		{"from the start", 100, 4 * time.Second, 100, "samples 0, flagged 0, 25 steps/s, 37s left"},
		{"done", 1023, 10 * time.Second, 1023, "samples 0, flagged 0, 102 steps/s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Progress{total: 1023, paced: tt.paced, start: start, now: func() time.Time { return start.Add(tt.elapsed) }}
			if got := p.describe(tt.at); got != tt.want {
				t.Errorf("describe(%d) = %q, want %q", tt.at, got, tt.want)
			}
		})
	}
}
