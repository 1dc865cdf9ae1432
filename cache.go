package maker

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"log/slog"
	"math"
	"time"
)

// A DecisionCache keeps decided steps by a digest of everything that
// determined their vote, so that a step whose exact prompt was decided
// before under the same settings (a finished run started again, a run whose
// inputs change only late, a state the run has seen) reuses the decided
// answer instead of paying for its samples again.
//
// The digest ([Config.CacheScope] and the engine's own settings, see
// cacheDigest) covers the task kind and version, the models and their
// settings, k, the temperatures, the red-flag limits and the rendered
// prompt, so an entry is never used under settings that could change the
// vote. A journal backend that implements [CachingJournal] gives one
// that every run on the journal shares.
type DecisionCache interface {
	// Lookup returns the entry stored under key, if there is one.
	Lookup(ctx context.Context, key string) (CachedStep, bool, error)
	// Store keeps entries; an entry whose key is stored already is left
	// as it was (the first decision stands).
	Store(ctx context.Context, entries []CachedStep) error
}

// CachedStep is one decided step in a [DecisionCache]: the winning
// sample's text, which the task parses again on a hit, and where it was
// decided.
type CachedStep struct {
	Key  string `json:"key"`  // hex SHA-256 of what determined the vote
	Text string `json:"text"` // the winning sample's raw response
	Run  string `json:"run"`  // the run that decided it ("" when not journaled)
	Step int    `json:"step"` // its 0-based step in that run
}

// Origin says where a cached step was decided, for a step record.
func (c CachedStep) Origin() string {
	if c.Run == "" {
		return fmt.Sprintf("step %d", c.Step+1)
	}
	return fmt.Sprintf("run %s step %d", c.Run, c.Step+1)
}

// CacheStats describe a decision cache.
type CacheStats struct {
	Entries int64     `json:"entries"`
	Runs    int64     `json:"runs"`  // distinct runs the entries came from
	Bytes   int64     `json:"bytes"` // of the stored texts
	Oldest  time.Time `json:"oldest,omitzero"`
	Newest  time.Time `json:"newest,omitzero"`
}

// CacheAdmin is what `maker cache` asks of a journal's decision cache.
type CacheAdmin interface {
	Stats(ctx context.Context) (CacheStats, error)
	// Prune removes the entries stored before the given time, and, when
	// run is not "", only those from that run (a unique prefix of its id
	// is not enough: the run may be gone). It returns how many it removed.
	Prune(ctx context.Context, before time.Time, run string) (int64, error)
}

// CachingJournal is implemented by journals that keep a decision cache
// beside the runs: the SQLite journal in its file, the PostgreSQL one in
// its database, where a fleet's workers share it.
type CachingJournal interface {
	DecisionCache() DecisionCache
}

// cacheFlushEvery is how many new entries a run gathers before it stores
// them in one write: one transaction for many steps keeps the cache's cost
// far below the journal's own.
const cacheFlushEvery = 1024

// cacheFormat versions the digest: a change to what it covers changes it,
// so older entries are simply never found again.
const cacheFormat = "maker-decision-cache/1"

// stepCache is a run's use of Config.Cache: the digest of its settings,
// and the entries it decided that are not stored yet (found by lookups
// too, so a state the run meets again is a hit at once).
type stepCache struct {
	cache    DecisionCache
	origin   string
	settings []byte
	pending  []CachedStep
	byKey    map[string]int // index in pending
	// Batches are stored by a writer of their own, so that a step never
	// waits on the database's write lock (which the journal's recorder
	// holds while it commits); batches holds those on their way, and
	// written is closed when the writer is done.
	batches chan []CachedStep
	written chan struct{}
	err     error // the first store error, the writer's
	log     *slog.Logger
}

func newStepCache(cfg Config, taskName string) *stepCache {
	if cfg.Cache == nil {
		return nil
	}
	h := sha256.New()
	field := func(s string) { writeField(h, s) }
	field(cacheFormat)
	field(cfg.CacheScope)
	field(taskName)
	field(fmt.Sprint(math.Float64bits(cfg.Temperatures.First), math.Float64bits(cfg.Temperatures.Rest)))
	field(fmt.Sprint(cfg.MaxTokens, cfg.MinChars, cfg.MaxSamples))
	patterns := cfg.RefusalPatterns
	if patterns == nil {
		patterns = DefaultRefusalPatterns
	}
	field(fmt.Sprint(len(patterns)))
	for _, p := range patterns {
		field(p)
	}
	return &stepCache{cache: cfg.Cache, origin: cfg.CacheOrigin, settings: h.Sum(nil), byKey: map[string]int{}, log: cfg.Logger}
}

// digest is the cache key of a step's vote at margin k on prompt.
func (c *stepCache) digest(k int, p Prompt) string {
	h := sha256.New()
	h.Write(c.settings)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(k))
	h.Write(n[:])
	writeField(h, p.System)
	writeField(h, p.User)
	return hex.EncodeToString(h.Sum(nil))
}

func writeField(h hash.Hash, s string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}

// lookup finds the decided answer to prompt at margin k. A cache that
// cannot be read is a miss, never a failed run: the step is voted.
func (c *stepCache) lookup(ctx context.Context, k int, p Prompt) (key string, hit CachedStep, ok bool) {
	key = c.digest(k, p)
	if i, found := c.byKey[key]; found {
		return key, c.pending[i], true
	}
	e, found, err := c.cache.Lookup(ctx, key)
	if err != nil || !found {
		return key, CachedStep{}, false
	}
	return key, e, true
}

// remember keeps a step decided by its vote, storing a batch when enough
// have gathered.
func (c *stepCache) remember(ctx context.Context, key string, rec *StepRecord) {
	text, ok := winningText(rec)
	if !ok || rec.Wrong {
		// A step the task's checker rejected is voted again next time.
		return
	}
	if _, dup := c.byKey[key]; dup {
		return
	}
	c.byKey[key] = len(c.pending)
	c.pending = append(c.pending, CachedStep{Key: key, Text: text, Run: c.origin, Step: rec.Step})
	if len(c.pending) >= cacheFlushEvery {
		c.flush(ctx)
	}
}

// flush stores the entries gathered so far. A cache that cannot be
// written loses them and the run goes on: its steps are decided and
// journaled all the same.
func (c *stepCache) flush(ctx context.Context) {
	if c == nil || len(c.pending) == 0 {
		return
	}
	if c.batches == nil {
		c.batches, c.written = make(chan []CachedStep, 4), make(chan struct{})
		ctx := context.WithoutCancel(ctx)
		go func() {
			defer close(c.written)
			for b := range c.batches {
				if err := c.cache.Store(ctx, b); err != nil && c.err == nil {
					c.err = err
				}
			}
		}()
	}
	// A writer four batches behind holds the run back rather than let
	// the entries pile up in memory.
	c.batches <- c.pending
	c.pending = make([]CachedStep, 0, cacheFlushEvery)
	clear(c.byKey)
}

// close stores what is gathered and waits until every batch is written:
// a run's entries are in the cache when it returns.
func (c *stepCache) close(ctx context.Context) {
	if c == nil {
		return
	}
	c.flush(ctx)
	if c.batches != nil {
		close(c.batches)
		<-c.written
		c.batches = nil
	}
	if c.err != nil {
		// The run's steps are decided and journaled all the same; only
		// a later run will pay for them again.
		c.log.Warn("decision cache: this run's steps could not be stored", "err", c.err)
	}
}

// winningText is the raw text of a sample that voted for the step's winner.
func winningText(rec *StepRecord) (string, bool) {
	for i := range rec.Samples {
		s := &rec.Samples[i]
		if s.Voted && s.Key == rec.Key {
			return s.Text, true
		}
	}
	return "", false
}

// fromCache is a step decided by the cache: the entry's text parsed again
// by the task. An entry the task no longer parses, or whose key differs
// (the task changed its format), is a miss.
func (r *runner[S]) fromCache(ctx context.Context, step int, prev string, prompt Prompt, k int) (digest string, rec *StepRecord, w Candidate[S], ok bool) {
	if r.cache == nil {
		return "", nil, w, false
	}
	digest, e, found := r.cache.lookup(ctx, k, prompt)
	if !found {
		return digest, nil, w, false
	}
	c, err := r.task.Parse(e.Text)
	if err != nil {
		return digest, nil, w, false
	}
	rec = &StepRecord{Step: step, K: k, Prev: prev, Action: c.Action, Key: r.task.Key(c), CacheHit: e.Origin()}
	return digest, rec, c, true
}

// FromCache reports whether the step was decided by the decision cache
// rather than by a vote.
func (rec *StepRecord) FromCache() bool { return rec.CacheHit != "" }
