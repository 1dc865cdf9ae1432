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

// newProgress returns nil when w is not a terminal or quiet is set, so
// pipes and CI logs stay clean.
func newProgress(w io.Writer, total int, quiet bool) *progress {
	f, ok := w.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
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
