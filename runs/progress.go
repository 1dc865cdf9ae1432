package runs

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/maker-go/maker"
)

// Progress is a terminal progress bar fed by the run's observer hook: steps
// decided, samples, flags, and the pace and time left. The pace counts only
// the steps decided while the bar is up: a resumed run's earlier steps,
// or a watched run's steps replayed from the journal, move the bar but
// took no time here, and counting them would promise an end far too soon.
type Progress struct {
	bar     *progressbar.ProgressBar
	total   int
	samples int
	flagged int
	// paced counts the steps decided since start.
	paced int
	start time.Time
	now   func() time.Time
}

// minPaced is how many steps the bar waits for before it shows a pace:
// the first few steps' latencies say little about the rest.
const minPaced = 10

// IsTerminal reports whether w is a terminal, where the bar is drawn; a
// test of what a terminal shows replaces it.
var IsTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// NewProgress is a progress bar of total steps on w; it returns nil when w is not a terminal or quiet is set, so
// pipes and CI logs stay clean. The bar draws as soon as it counts a
// step, so a command creates it after its header lines, just before the
// run: a line printed after the bar leaves a stale bar on the screen.
func NewProgress(w io.Writer, total int, quiet bool) *Progress {
	if quiet || !IsTerminal(w) {
		return nil
	}
	max := int64(total)
	if max <= 0 {
		max = -1
	}
	return &Progress{total: total, start: time.Now(), now: time.Now, bar: progressbar.NewOptions64(max,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("steps"),
		progressbar.OptionShowCount(),
		// The pace and the time left are the description's (describe).
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)}
}

// Observe implements [maker.Observer]: a step decided in this session.
func (p *Progress) Observe(_ context.Context, rec *maker.StepRecord) error {
	return p.Decided(len(rec.Samples), rec.Flagged, true)
}

// Decided moves the bar one step, decided with these samples and flags;
// paced says it was decided while the bar is up, so it counts toward the
// pace.
func (p *Progress) Decided(samples, flagged int, paced bool) error {
	p.samples += samples
	p.flagged += flagged
	if paced {
		p.paced++
	}
	p.bar.Describe(p.describe(int(p.bar.State().CurrentNum) + 1))
	return p.bar.Add(1)
}

// describe is the bar's text with the bar at step at: samples and flags,
// then the pace of the steps decided since start and the time left at it.
func (p *Progress) describe(at int) string {
	d := fmt.Sprintf("samples %d, flagged %d", p.samples, p.flagged)
	el := p.now().Sub(p.start).Seconds()
	if p.paced < minPaced || el <= 0 {
		return d
	}
	rate := float64(p.paced) / el
	if rate >= 10 {
		d += fmt.Sprintf(", %.0f steps/s", rate)
	} else {
		d += fmt.Sprintf(", %.2g steps/s", rate)
	}
	if left := p.total - at; p.total > 0 && left > 0 {
		d += fmt.Sprintf(", %s left", time.Duration(float64(left)/rate*float64(time.Second)).Round(time.Second))
	}
	return d
}

// Finish draws the bar at its end.
func (p *Progress) Finish() { _ = p.bar.Finish() }

// Add moves the bar by n steps decided before it was up (a resumed run's,
// a watched run's journaled steps): they do not count in the pace.
func (p *Progress) Add(n int) { _ = p.bar.Add(n) }
