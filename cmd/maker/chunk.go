package main

import (
	"context"
	"errors"
	"time"

	"github.com/maker-go/maker"
)

// chunkBound is how a fleet's chunk of a run ends (package fleet): after
// so many steps, through the engine's step limit, or after so long,
// through an observer that stops the run at the first step decided after
// the deadline. The zero value bounds nothing.
type chunkBound struct {
	bySteps bool // the engine's step limit is the chunk's, not the run's
	clock   *chunkClock
}

// errChunkTime stops a chunk whose time is up.
var errChunkTime = errors.New("the chunk's time is up")

// bound sets the chunk's limits of a service job on cfg, for a session
// that starts at step from.
func (e execution[S]) bound(cfg *maker.Config, from int) chunkBound {
	if e.job == nil || e.job.Chunk == nil {
		return chunkBound{}
	}
	ch := e.job.Chunk
	var b chunkBound
	if ch.Steps > 0 {
		end := from + ch.Steps
		if (cfg.MaxSteps == 0 || end < cfg.MaxSteps) && (e.task.Steps() <= 0 || end < e.task.Steps()) {
			cfg.MaxSteps, b.bySteps = end, true
		}
	}
	if ch.Time > 0 {
		b.clock = &chunkClock{until: time.Now().Add(ch.Time)}
		cfg.Observers = append(cfg.Observers, b.clock)
	}
	return b
}

// over reports whether a session that ended with sum and err ended because
// its chunk did, with the run still to go on.
func (b chunkBound) over(sum *maker.Summary, err error) bool {
	if sum.Done {
		return false
	}
	if b.clock != nil && errors.Is(err, errChunkTime) {
		return true
	}
	return b.bySteps && err == nil && sum.StopReason == "max steps"
}

// chunkClock is the observer that ends a chunk on time. It comes last
// among the observers, so the step that reaches the deadline is journaled.
type chunkClock struct{ until time.Time }

func (c *chunkClock) Observe(context.Context, *maker.StepRecord) error {
	if time.Now().After(c.until) {
		return errChunkTime
	}
	return nil
}
