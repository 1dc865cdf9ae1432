package runs

import (
	"fmt"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/fileio"
	"github.com/maker-go/maker/report"
)

// runReport is --report: an HTML report of the run, written when the run
// ends however it ends, since a failed or stopped run is when a report is
// wanted most. The file is created before the run starts, so a path that
// cannot be written fails at once and not after hours of calls. A nil
// *runReport (no --report) does nothing.
type runReport struct {
	path      string
	file      *fileio.Output
	collector *report.Collector
	plannedP  float64
}

// openReport creates the report file named by --report, or returns nil
// when there is none.
func (f *Flags) openReport(cmd session) (*runReport, error) {
	if f.report == "" {
		return nil, nil
	}
	// The report is written beside its path and renamed into place once
	// whole, so a full disk or a killed run leaves no empty or half file.
	file, err := fileio.Create(f.report)
	if err != nil {
		return nil, usageErr("--report: %v", err)
	}
	r := &runReport{path: f.report, file: file, collector: report.NewCollector()}
	// The theoretical curve at the planned rate needs a rate: the one --k
	// auto plans with, when there is one.
	if e, err := f.errorRate(cmd); err == nil {
		r.plannedP = 1 - e
	}
	return r, nil
}

// observe adds the report's collector to the run's observers; its memory
// does not grow with the run.
func (r *runReport) observe(obs []maker.Observer) []maker.Observer {
	if r == nil {
		return obs
	}
	return append(obs, r.collector)
}

// finish writes the report of a run that ended with sum and final state and
// returns the command's error: runErr, or the report's failure (exit 4)
// when the run itself succeeded.
func (r *runReport) finish(cmd session, sum *maker.Summary, final any, runErr error) error {
	if r == nil {
		return runErr
	}
	err := r.collector.Render(r.file, &report.Data{
		Summary:   *sum,
		PlannedP:  r.plannedP,
		Final:     final,
		Generated: time.Now(),
	})
	if err == nil {
		err = r.file.Commit()
	} else {
		r.file.Discard()
	}
	if err != nil {
		err = fmt.Errorf("--report %s: %w", r.path, err)
		if runErr != nil {
			fmt.Fprintln(cmd.ErrOrStderr(), "maker:", err)
			return runErr
		}
		return &exitError{Code: exitOutput, Err: err}
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "report: %s\n", r.path)
	return runErr
}

// discard removes the report file of a run that never started.
func (r *runReport) discard() {
	if r == nil {
		return
	}
	r.file.Discard()
}
