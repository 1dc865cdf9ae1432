package runs

import (
	"context"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/events"
)

// Watch streams the decided steps of run id after the first after steps:
// first those the journal has committed, then each one as it is decided,
// with no gap and no repeat (Event.Step is 1-based, so a client that has
// seen step n asks for after = n). The channel is closed when the run is
// not running here any more and every step it decided has been sent, or
// when ctx ends. A slow reader slows nobody: the stream catches up from
// the journal.
func (m *Manager) Watch(ctx context.Context, id string, after int) (<-chan events.Event, error) {
	run, err := m.db.Run(ctx, id)
	if err != nil {
		return nil, err
	}
	if after < 0 {
		after = 0
	}
	out := make(chan events.Event, 256)
	go func() {
		defer close(out)
		m.watch(ctx, run.ID, run.TotalSteps, after, out)
	}()
	return out, nil
}

func (m *Manager) watch(ctx context.Context, id string, total, next int, out chan<- events.Event) {
	send := func(ev events.Event) bool {
		ev.Total = total
		select {
		case out <- ev:
			return true
		case <-ctx.Done():
			return false
		}
	}
	// fromJournal sends the committed steps from next up to (not
	// including) to (<0: all), and returns where it got to.
	fromJournal := func(to int) (int, bool) {
		var evs []events.Event
		err := m.db.Steps(ctx, id, next, to, func(rec *maker.StepRecord) error {
			ev := events.FromRecord(rec)
			ev.Run = id
			evs = append(evs, ev)
			return nil
		})
		if err != nil {
			return next, false
		}
		for _, ev := range evs {
			if !send(ev) {
				return next, false
			}
			next = ev.Step
		}
		return next, true
	}
	for {
		a := m.running(id)
		if a == nil && m.opts.Fleet != nil {
			// Run by a worker elsewhere: follow the journal until the run
			// ends there.
			run, err := m.db.Run(ctx, id)
			if err != nil {
				return
			}
			var ok bool
			if next, ok = fromJournal(-1); !ok {
				return
			}
			if !fleetOpen(run.Status) {
				return // its end was read before its steps, which hold the last
			}
			select {
			case <-time.After(fleetPoll):
			case <-ctx.Done():
				return
			}
			continue
		}
		if a == nil {
			// Not running here: the journal has every step (a run ends
			// only after its journal has committed them).
			fromJournal(-1)
			return
		}
		a.mu.Lock()
		first, hasTail := a.first, len(a.tail) > 0
		if !hasTail {
			first = next + 1<<30 // nothing decided in this session yet
		}
		var live []events.Event
		if next >= a.first && hasTail {
			live = append(live, a.tail[min(next-a.first, len(a.tail)):]...)
		}
		wake, done := a.wake, a.done
		a.mu.Unlock()
		if next < first {
			var ok bool
			if next, ok = fromJournal(first); !ok {
				return
			}
			if next < first && hasTail {
				// Not committed yet and already out of the tail (only a
				// journal far behind): try again shortly.
				select {
				case <-time.After(50 * time.Millisecond):
				case <-ctx.Done():
					return
				}
				continue
			}
			if next >= first {
				continue // now read the tail
			}
		}
		for _, ev := range live {
			if !send(ev) {
				return
			}
			next = ev.Step
		}
		select {
		case <-wake:
		case <-done:
		case <-ctx.Done():
			return
		}
	}
}
