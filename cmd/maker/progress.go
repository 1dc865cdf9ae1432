package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/maker-go/maker"
)

// progress is a terminal progress bar fed by the run's observer hook: steps
// decided, samples, flags and the ETA.
type progress struct {
	bar     *progressbar.ProgressBar
	samples int
	flagged int
}

// isTerminal reports whether w is a terminal, where the bar is drawn.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newProgress returns nil when w is not a terminal or quiet is set, so
// pipes and CI logs stay clean. The bar draws as soon as it counts a
// step, so a command creates it after its header lines, just before the
// run: a line printed after the bar leaves a stale bar on the screen.
func newProgress(w io.Writer, total int, quiet bool) *progress {
	if quiet || !isTerminal(w) {
		return nil
	}
	max := int64(total)
	if max <= 0 {
		max = -1
	}
	return &progress{bar: progressbar.NewOptions64(max,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("steps"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("steps"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)}
}

// Observe implements [maker.Observer].
func (p *progress) Observe(_ context.Context, rec *maker.StepRecord) error {
	p.samples += len(rec.Samples)
	p.flagged += rec.Flagged
	p.bar.Describe(fmt.Sprintf("samples %d, flagged %d", p.samples, p.flagged))
	return p.bar.Add(1)
}

func (p *progress) finish() { _ = p.bar.Finish() }
