package runs

import (
	"context"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/telemetry"
)

// traceSession starts the telemetry of this run session and adds it to the
// run's observers; nil (and no observer) while telemetry is off.
func (e Execution[S]) traceSession(ctx context.Context, jr *journaling, cfg *maker.Config, from int) *telemetry.Session {
	id := ""
	if jr != nil {
		id = jr.id
	}
	s := telemetry.Start(ctx, telemetry.Run{ID: id, Task: e.Task.Name(), Model: cfg.ModelName, K: cfg.K, From: from})
	if s != nil {
		cfg.Observers = append(cfg.Observers, s)
	}
	return s
}

// endTrace closes the session's span with the run's summary (none when
// the run could not start).
func endTrace[S any](s *telemetry.Session, res *maker.Result[S], runErr error) {
	if res == nil {
		s.End(nil, runErr)
		return
	}
	s.End(&res.Summary, runErr)
}
