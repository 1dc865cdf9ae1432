package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestCalibrateFlagLimits: a calibration too large to hold is refused,
// naming the flag and its limit, before anything is drawn or allocated.
func TestCalibrateFlagLimits(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--per-step", "1000000000"}, "--per-step: want 1 to --samples (1000), got 1000000000"},
		{[]string{"--samples", "1000000000"}, "--samples: want 2 to 100000 model calls, got 1000000000"},
		{[]string{"--samples", "1"}, "--samples: want 2 to 100000"},
		{[]string{"--per-step", "0"}, "--per-step: want 1 to --samples"},
		{[]string{"--samples", "10", "--per-step", "11"}, "--per-step: want 1 to --samples (10), got 11"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"calibrate"}, c.args...), &out, &errb)
		msg := strings.TrimSpace(errb.String())
		if code != exitUsage || !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
			t.Errorf("calibrate %s: exit %d, %q; want exit %d and one line with %q", strings.Join(c.args, " "), code, msg, exitUsage, c.want)
		}
	}
}
