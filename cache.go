package maker

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"hash/maphash"
	"iter"
	"math"
	"strconv"
	"time"
)

// A DecisionCache lets a run reuse the steps earlier runs decided under the
// same settings (a finished run started again, a run whose inputs change
// only late), so that a step whose exact prompt was decided before is not
// paid for again.
//
// It keeps nothing per step of its own: the journal already holds every
// decided step, its action and the state after it. The cache is the
// journal's mark, on each run, of the scope the run decided in (a digest of
// every setting that could change a vote, see newStepCache); a later run in
// the same scope replays the marked runs' journaled steps to render their
// prompts again, and so finds their decisions by the digest of the prompt,
// in memory. A run that finds no earlier run in its scope pays nothing for
// the cache. A journal backend that implements [CachingJournal] gives one
// that every run on the journal (every worker of a fleet, on PostgreSQL)
// shares.
type DecisionCache interface {
	// Begin marks the run origin ("" for none) as deciding in scope, and
	// returns the journaled steps of the earlier runs marked with the same
	// scope: the runs oldest first, each run's steps in step order. The
	// origin's own steps are not among them.
	Begin(ctx context.Context, origin, scope string) (iter.Seq2[CachedStep, error], error)
}

// CachedStep is a journaled step of an earlier run in a [DecisionCache]'s
// scope: what decided it, and what it decided.
type CachedStep struct {
	Run    string          `json:"run"`    // the run that decided it
	Step   int             `json:"step"`   // 0-based
	K      int             `json:"k"`      // the margin it was voted at
	Action string          `json:"action"` // the winner's action
	State  json.RawMessage `json:"state"`  // the state after it, JSON ("" or null when not journaled)
	Wrong  bool            `json:"wrong"`  // the task's checker rejected it
	Asked  bool            `json:"asked"`  // a person was asked about it (an approval or a step without consensus)
}

// Origin says where a cached step was decided, for a step record.
func (c CachedStep) Origin() string {
	if c.Run == "" {
		return fmt.Sprintf("step %d", c.Step+1)
	}
	return fmt.Sprintf("run %s step %d", c.Run, c.Step+1)
}

// CacheScopeStats are the runs of one cache scope.
type CacheScopeStats struct {
	Scope string `json:"scope"` // the settings' digest
	Runs  int64  `json:"runs"`
	Steps int64  `json:"steps"` // their journaled steps
}

// CacheStats describe what a journal's decision cache can reuse: the
// journaled steps of the runs marked with a scope, by scope.
type CacheStats struct {
	Runs   int64             `json:"runs"`
	Steps  int64             `json:"steps"`
	Scopes []CacheScopeStats `json:"scopes"`
}

// CacheAdmin is what `maker cache` asks of a journal's decision cache.
type CacheAdmin interface {
	Stats(ctx context.Context) (CacheStats, error)
	// Prune forgets the scope marks of the runs created before the given
	// time, and, when run is not "", only that run's (a unique prefix of
	// its id is not enough). Their journaled steps stay; later runs no
	// longer reuse them. It returns how many runs and steps it forgot.
	Prune(ctx context.Context, before time.Time, run string) (runs, steps int64, err error)
}

// CachingJournal is implemented by journals that keep a decision cache
// beside the runs: the SQLite journal in its file, the PostgreSQL one in
// its database, where a fleet's workers share it.
type CachingJournal interface {
	DecisionCache() DecisionCache
}

// cacheFormat versions the digest: a change to what it covers changes it,
// so the scopes marked before are simply never found again.
const cacheFormat = "maker-decision-cache/2"

// cacheRecent bounds the steps a run keeps in memory to reuse within
// itself (a state it meets again): memory stays flat on a million steps.
const cacheRecent = 4096

// digestKey is what finds a step's decision: a fast hash of its k and
// user prompt, which finds the run's own steps (checked against the
// prompt itself, so a collision is a miss), and, when earlier runs are
// indexed, the SHA-256 of everything that determined the vote.
type digestKey struct {
	h   uint64
	sum earlierKey
	k   int
	p   Prompt
}

// earlierKey is the SHA-256 digest of an earlier run's step, cut to 128
// bits: a million-step run's index stays small, and two prompts still
// never share one in practice.
type earlierKey [16]byte

// earlierStep is an earlier run's decided step in the index, kept small:
// a run's index holds every step of the earlier runs in its scope.
type earlierStep struct {
	action string
	raw    string // the journaled state
	step   int
	run    int // in stepCache.runs
}

// cacheEntry is a decided step the run may reuse: an earlier run's
// (state the journal's JSON) or its own (state its S, and the prompt and
// k it was voted on).
type cacheEntry struct {
	run    string
	step   int
	action string
	raw    string // an earlier run's journaled state
	state  any    // this run's decided state
	own    bool
	k      int
	system string
	user   string
	h      uint64 // its key in stepCache.recent
}

func (e *cacheEntry) origin() string { return CachedStep{Run: e.run, Step: e.step}.Origin() }

// stepCache is a run's use of Config.Cache: the digest of its settings,
// the earlier runs' steps in its scope by digest (nil when there are none,
// so a first run looks up nothing), and its own recent steps.
type stepCache struct {
	settings []byte
	origin   string
	earlier  map[earlierKey]earlierStep
	runs     []string       // the earlier runs' ids
	recent   map[uint64]int // index in ring
	ring     []cacheEntry   // the run's own steps, the oldest at next once full
	next     int
	seed     maphash.Seed
	// system memoizes the hash of the last system prompt: most tasks
	// send one system prompt, often the longest part of the prompt.
	system    string
	systemSum [sha256.Size]byte
	h         hash.Hash
}

// newStepCache begins the run's use of cfg.Cache: it marks the run with its
// scope and indexes the earlier runs' steps in it. A cache that cannot be
// read costs the run only the reuse: every step is voted.
func newStepCache[S any](ctx context.Context, cfg Config, task Task[S]) *stepCache {
	if cfg.Cache == nil {
		return nil
	}
	c := &stepCache{settings: settingsDigest(cfg, task), origin: cfg.CacheOrigin, recent: map[uint64]int{}, h: sha256.New(), seed: maphash.MakeSeed()}
	steps, err := cfg.Cache.Begin(ctx, cfg.CacheOrigin, hex.EncodeToString(c.settings))
	if err == nil {
		err = indexEarlier(c, steps, task)
	}
	if err != nil {
		// The run's steps are decided and journaled all the same; it
		// only pays for the steps an earlier run decided.
		cfg.Logger.Warn("decision cache: earlier runs could not be read; every step is voted", "err", err)
		c.earlier, c.runs = nil, nil
	}
	return c
}

// settingsDigest covers everything besides the prompt and k that can
// change a vote: the caller's scope (models and their settings, the
// task's kind and version), the task, the temperatures, the red-flag
// limits, and the initial state, so that runs in one scope replay from the
// same start.
func settingsDigest[S any](cfg Config, task Task[S]) []byte {
	h := sha256.New()
	field := func(s string) { writeField(h, s) }
	field(cacheFormat)
	field(cfg.CacheScope)
	field(task.Name())
	temps := cfg.Temperatures
	if temps == nil {
		temps = &Temperatures{}
	}
	field(fmt.Sprint(math.Float64bits(temps.First), math.Float64bits(temps.Rest)))
	field(fmt.Sprint(cfg.MaxTokens, cfg.MinChars, cfg.MaxSamples))
	patterns := cfg.RefusalPatterns
	if patterns == nil {
		patterns = DefaultRefusalPatterns
	}
	field(strconv.Itoa(len(patterns)))
	for _, p := range patterns {
		field(p)
	}
	initial, err := json.Marshal(task.Initial())
	if err != nil {
		// A state with no JSON cannot be journaled either: a scope of
		// its own, never shared.
		initial = []byte("unencodable: " + err.Error())
	}
	field(string(initial))
	return h.Sum(nil)
}

// indexEarlier replays the earlier runs' steps: the state before a run's
// step 0 is the task's initial state, before step i the journaled state
// after step i-1, and prev step i-1's action; the prompt they render, at
// the k the step was voted at, finds the decided step. A step the task's
// checker rejected, or one a person decided, is not reused, though the
// steps after it were voted on their own prompts and are. A run's replay
// stops where it cannot be followed: a gap in its steps, or a state that
// is not journaled or does not decode. The first decision under a digest
// stands.
func indexEarlier[S any](c *stepCache, steps iter.Seq2[CachedStep, error], task Task[S]) error {
	var (
		run     string
		started bool
		stopped bool
		next    int
		state   S
		prev    string
	)
	for s, err := range steps {
		if err != nil {
			return err
		}
		if !started || s.Run != run {
			run, started, stopped, next, prev = s.Run, true, false, 0, ""
			c.runs = append(c.runs, run)
			state = task.Initial()
		}
		if stopped {
			continue
		}
		var after S
		if s.Step != next || len(s.State) == 0 || json.Unmarshal(s.State, &after) != nil {
			stopped = true
			continue
		}
		if !s.Wrong && !s.Asked {
			d := c.sum(s.K, task.Prompt(state, prev, s.Step))
			if c.earlier == nil {
				c.earlier = map[earlierKey]earlierStep{}
			}
			if _, dup := c.earlier[d]; !dup {
				c.earlier[d] = earlierStep{action: s.Action, raw: string(s.State), step: s.Step, run: len(c.runs) - 1}
			}
		}
		state, prev, next = after, s.Action, next+1
	}
	return nil
}

// key is what finds the decision of a step voted at margin k on prompt.
// A run with no earlier runs to reuse hashes only what finds its own.
func (c *stepCache) key(k int, p Prompt) digestKey {
	d := digestKey{h: maphash.String(c.seed, p.User) ^ uint64(k)*0x9e3779b97f4a7c15, k: k, p: p}
	if c.earlier != nil {
		d.sum = c.sum(k, p)
	}
	return d
}

// sum is the SHA-256 of everything that determined the vote of a step at
// margin k on prompt: the settings' digest, k and the prompt.
func (c *stepCache) sum(k int, p Prompt) earlierKey {
	if p.System != c.system || c.system == "" {
		c.system = p.System
		c.h.Reset()
		writeField(c.h, p.System)
		c.h.Sum(c.systemSum[:0])
	}
	c.h.Reset()
	c.h.Write(c.settings)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(k))
	c.h.Write(n[:])
	c.h.Write(c.systemSum[:])
	writeField(c.h, p.User)
	var sum [sha256.Size]byte
	c.h.Sum(sum[:0])
	return earlierKey(sum[:16])
}

func writeField(h hash.Hash, s string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}

// find is the decided step under digest d: the run's own first, then an
// earlier run's.
func (c *stepCache) find(d digestKey) (cacheEntry, bool) {
	if i, ok := c.recent[d.h]; ok {
		if e := &c.ring[i]; e.k == d.k && e.user == d.p.User && e.system == d.p.System {
			return *e, true
		}
	}
	s, ok := c.earlier[d.sum]
	if !ok {
		return cacheEntry{}, false
	}
	return cacheEntry{run: c.runs[s.run], step: s.step, action: s.action, raw: s.raw}, true
}

// remember keeps a step this run decided by its vote, so that the run
// meets its state again for free; only the last cacheRecent are kept.
// Later runs find it in the journal.
func (c *stepCache) remember(d digestKey, rec *StepRecord) {
	if rec.Wrong {
		// A step the task's checker rejected is voted again.
		return
	}
	if _, dup := c.recent[d.h]; dup {
		// The same prompt, or (rarely) another with the same hash: the
		// first stays.
		return
	}
	e := cacheEntry{run: c.origin, step: rec.Step, action: rec.Action, state: rec.State, own: true, k: d.k, system: d.p.System, user: d.p.User, h: d.h}
	if len(c.ring) < cacheRecent {
		c.recent[d.h] = len(c.ring)
		c.ring = append(c.ring, e)
		return
	}
	delete(c.recent, c.ring[c.next].h)
	c.ring[c.next] = e
	c.recent[d.h] = c.next
	c.next = (c.next + 1) % cacheRecent
}

// fromCache is a step decided by the cache: the decided action and the
// state after it, as a candidate of the task. An entry whose state is not
// an S, or one the task's checker rejects (an input the prompt does not
// show changed since), is a miss: the step is voted.
func (r *runner[S]) fromCache(step int, state S, prev string, prompt Prompt, k int) (digest digestKey, rec *StepRecord, w Candidate[S], ok bool) {
	if r.cache == nil {
		return digest, nil, w, false
	}
	digest = r.cache.key(k, prompt)
	e, found := r.cache.find(digest)
	if !found {
		return digest, nil, w, false
	}
	c := Candidate[S]{Action: e.action}
	if e.own {
		s, isS := e.state.(S)
		if !isS {
			return digest, nil, w, false
		}
		c.State = s
	} else if err := json.Unmarshal([]byte(e.raw), &c.State); err != nil {
		return digest, nil, w, false
	}
	if r.checker != nil && r.checker.Check(step, state, c) != nil {
		return digest, nil, w, false
	}
	rec = &StepRecord{Step: step, K: k, Prev: prev, Action: c.Action, Key: r.task.Key(c), CacheHit: e.origin()}
	return digest, rec, c, true
}

// FromCache reports whether the step was decided by the decision cache
// rather than by a vote.
func (rec *StepRecord) FromCache() bool { return rec.CacheHit != "" }
