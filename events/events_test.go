package events_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/events"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

func TestOneLinePerStep(t *testing.T) {
	task, _ := hanoi.New(5)
	cfg := sim.DefaultConfig()
	cfg.ErrorRate = 0.3
	model, err := sim.New(task, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	res, err := maker.Run(context.Background(), task, model, maker.Config{K: 2, Ordered: true, Observers: []maker.Observer{events.New(&buf, "r1", task.Steps())}})
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	var flagged, samples int64
	n := 0
	for sc.Scan() {
		var ev events.Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		n++
		if ev.Step != n || ev.Run != "r1" || ev.Total != task.Steps() || ev.Action != res.Actions[n-1] {
			t.Fatalf("line %d: %+v", n, ev)
		}
		for _, c := range ev.Flagged {
			flagged += int64(c)
		}
		samples += int64(ev.Samples)
	}
	if n != res.Summary.Steps {
		t.Errorf("%d lines, want %d", n, res.Summary.Steps)
	}
	if flagged != res.Summary.FlaggedTotal() || samples != res.Summary.Samples {
		t.Errorf("events count %d flagged of %d samples, the run %d of %d", flagged, samples, res.Summary.FlaggedTotal(), res.Summary.Samples)
	}
	if flagged == 0 {
		t.Error("no sample was flagged: the test did not check the flag counts")
	}
}

// TestEventTime: an event carries the time its step was decided when it is
// known, and no time at all otherwise (a step read back from a journal,
// which keeps none), never the zero time.
func TestEventTime(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		ev   events.Event
		want string
	}{
		{"decided here", events.Event{Time: at, Step: 1}, `"time":"2026-03-01T12:00:00Z"`},
		{"read back", events.FromRecord(&maker.StepRecord{Step: 0, K: 1}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			has := strings.Contains(string(b), `"time"`)
			if tt.want == "" && has || tt.want != "" && !strings.Contains(string(b), tt.want) {
				t.Errorf("event %s, want time %q", b, tt.want)
			}
		})
	}
}
