package server

import (
	"encoding/json"
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
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	ctx := r.Context()
	ch, err := s.cfg.Manager.Watch(ctx, r.PathValue("id"), after)
	if err != nil {
		s.fail(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 1000\n\n")
	fl.Flush()
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				if ctx.Err() == nil {
					fmt.Fprint(w, "event: end\ndata: {}\n\n")
					fl.Flush()
				}
				return
			}
			b, _ := json.Marshal(ev)
			fmt.Fprintf(w, "id: %d\nevent: step\ndata: %s\n\n", ev.Step, b)
			// Flush when the stream has caught up, not after every
			// event of a backlog.
			if len(ch) == 0 {
				fl.Flush()
			}
		case <-keepalive.C:
			fmt.Fprint(w, ": keepalive\n\n")
			fl.Flush()
		case <-s.stopped:
			return
		case <-ctx.Done():
			return
		}
	}
}
