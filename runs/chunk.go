package runs

import (
	"time"

	"github.com/maker-go/maker"
)

// chunkBound is how a fleet's chunk of a run ends (package fleet): after
// so many steps, through the engine's step limit, or on time, through the
// engine's Until. The zero value bounds nothing.
type chunkBound struct {
	bySteps bool // the engine's step limit is the chunk's, not the run's
	byTime  bool // the engine's Until is the chunk's
}

// bound sets the chunk's limits of a service job on cfg, for a session
// that starts at step from.
//
// A chunk that ends on time starts no step after its time is up, and
// decides and journals, in order, every step it has started: with
// speculation, the steps it was voting ahead of the head too. So a chunk
// boundary throws no decided step away, and the next chunk, which resumes
// from the last journaled step, asks the model about none of them again.
func (e Execution[S]) bound(cfg *maker.Config, from int) chunkBound {
	if e.job == nil || e.job.Chunk == nil {
		return chunkBound{}
	}
	ch := e.job.Chunk
	var b chunkBound
	if ch.Steps > 0 {
		end := from + ch.Steps
		if (cfg.MaxSteps == 0 || end < cfg.MaxSteps) && (e.Task.Steps() <= 0 || end < e.Task.Steps()) {
			cfg.MaxSteps, b.bySteps = end, true
		}
	}
	if ch.Time > 0 {
		until := time.Now().Add(ch.Time)
		if cfg.Until.IsZero() || until.Before(cfg.Until) {
			cfg.Until, b.byTime = until, true
		}
	}
	return b
}

// over reports whether a session that ended with sum and err ended because
// its chunk did, with the run still to go on.
func (b chunkBound) over(sum *maker.Summary, err error) bool {
	if sum.Done || err != nil {
		return false
	}
	return b.byTime && sum.StopReason == maker.StopUntil || b.bySteps && sum.StopReason == "max steps"
}
