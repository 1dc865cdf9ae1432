package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// events streams a run's decided steps as Server-Sent Events: one "step"
// event per step, its id the step's 1-based number, so a client that
// reconnects with Last-Event-ID (or ?after=N) continues with the next
// step. The stream ends with an "end" event when the run is not running
// any more.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	after := 0
	for _, v := range []string{r.Header.Get("Last-Event-ID"), r.URL.Query().Get("after")} {
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("Last-Event-ID/after: want a step number, got %q", v))
			return
		}
		after = n
		break
	}
	ctx := r.Context()
	ch, err := s.cfg.Manager.Watch(ctx, r.PathValue("id"), after)
	if err != nil {
		s.fail(w, err)
		return
	}
	// Every write gets a deadline, so that a client that stops reading
	// (its buffers full) is dropped rather than holding the stream.
	rc := http.NewResponseController(w)
	send := func(flush bool, format string, args ...any) bool {
		if err := rc.SetWriteDeadline(time.Now().Add(s.cfg.Timeouts.Event)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return false
		}
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return false
		}
		return !flush || rc.Flush() == nil
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	// The connection closes with the stream, so that its last write
	// deadline is not left on a connection kept for another request.
	h.Set("Connection", "close")
	w.WriteHeader(http.StatusOK)
	if !send(true, "retry: 1000\n\n") {
		return
	}
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				if ctx.Err() == nil {
					send(true, "event: end\ndata: {}\n\n")
				}
				return
			}
			b, _ := json.Marshal(ev)
			// Flush when the stream has caught up, not after every
			// event of a backlog.
			if !send(len(ch) == 0, "id: %d\nevent: step\ndata: %s\n\n", ev.Step, b) {
				return
			}
		case <-keepalive.C:
			if !send(true, ": keepalive\n\n") {
				return
			}
		case <-s.stopped:
			return
		case <-ctx.Done():
			return
		}
	}
}
