package fleet

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/maker-go/maker/runs"
)

type noBuilder struct{}

func (noBuilder) Run(context.Context, *runs.Job) error { return nil }

func TestConfigDefaultsAndChecks(t *testing.T) {
	c, err := Config{Runner: noBuilder{}}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Queues) != 1 || c.Queues[0] != DefaultQueue || c.Concurrency != 4 || c.ChunkSteps != DefaultChunkSteps ||
		c.ChunkTime != DefaultChunkTime || c.RescueAfter != DefaultRescueAfter || c.DeadAfter != DefaultDeadAfter {
		t.Errorf("defaults: %+v", c)
	}
	if c, _ := (Config{Runner: noBuilder{}, ChunkTime: time.Hour}).withDefaults(); c.RescueAfter != 2*time.Hour {
		t.Errorf("a chunk time of 1h rescues after %s, want 2h", c.RescueAfter)
	}
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "no runner"},
		{Config{Runner: noBuilder{}, Concurrency: -1}, "concurrency"},
		{Config{Runner: noBuilder{}, ChunkSteps: -1}, "chunk steps"},
		{Config{Runner: noBuilder{}, ChunkTime: -time.Second}, "chunk time"},
		{Config{Runner: noBuilder{}, DeadAfter: -time.Second}, "dead-worker time"},
		{Config{Runner: noBuilder{}, ChunkTime: time.Minute, RescueAfter: time.Minute}, "rescue time"},
		{Config{Runner: noBuilder{}, Queues: []string{"a", ""}}, "empty queue"},
	}
	for _, tc := range tests {
		if _, err := tc.cfg.withDefaults(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error about %s", tc.cfg, err, tc.want)
		}
	}
}

// TestRetryPolicy: 2, 4, 8 ... s after a failed try, never over a minute,
// with at most a quarter more of jitter.
func TestRetryPolicy(t *testing.T) {
	for attempt := 1; attempt <= 100; attempt++ {
		base := min(time.Duration(1)<<min(attempt, 6)*time.Second, time.Minute)
		for range 20 {
			before := time.Now()
			wait := retryPolicy{}.NextRetry(&rivertype.JobRow{Attempt: attempt}).Sub(before)
			if wait < base || wait > base+base/4+time.Second/10 {
				t.Fatalf("attempt %d: waits %s, want %s to %s", attempt, wait, base, base+base/4)
			}
		}
	}
}

// TestChunkArgsUnique: a run has one live chunk: the unique states hold
// every state a chunk is alive in, and not completed, so the chunk that
// completes in a transaction can queue the next.
func TestChunkArgsUnique(t *testing.T) {
	o := ChunkArgs{}.InsertOpts()
	if !o.UniqueOpts.ByArgs || o.Queue != DefaultQueue {
		t.Fatalf("insert opts %+v", o)
	}
	alive := map[rivertype.JobState]bool{}
	for _, s := range o.UniqueOpts.ByState {
		alive[s] = true
	}
	for _, s := range []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled} {
		if !alive[s] {
			t.Errorf("a run could have two chunks while one is %s", s)
		}
	}
	if alive[rivertype.JobStateCompleted] {
		t.Error("a completed chunk would block its run's next one")
	}
}
