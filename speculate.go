package maker

import (
	"context"
	"fmt"
	"time"
)

// Speculative step pipelining.
//
// Steps are a chain: a step's prompt needs the state its predecessor
// decided. Without speculation every step waits for its whole vote. With
// Config.Speculate = D, while the head (the first undecided step, whose
// prompt was built from the decided state) is voted, the engine starts the
// next step from the head's leading candidate, the step after that from
// that step's leader, and so on up to D steps ahead. Each of these votes is
// a slot:
//
//   - A slot is decided only when it is the head: every step before it is
//     decided, and it was built on the candidate its predecessor decided. A
//     speculative slot may reach its margin early; it is then decided the
//     moment it becomes the head.
//   - When a slot's leader changes, or the head decides for a candidate other
//     than the one its successor was built on, every slot below it is
//     discarded: its samples are cancelled through their context and counted
//     as speculative waste, and the next step starts again, from the right
//     candidate, with a fresh temperature schedule.
//   - Sample indices start at 0 in every slot, so a restarted step asks the
//     model the same (step, sample) questions: with the simulator the decided
//     votes are those of a run without speculation, whatever the timing.
//
// Observers see the decided steps in order, each once its late samples are
// back, as without speculation.

// slot is one step's vote in the pipeline.
type slot[S any] struct {
	*decision[S]
	cancel context.CancelFunc
	ctx    context.Context
	began  time.Time
	// baseKey is the key of the predecessor's candidate the prompt was
	// built from; "" when it was built from a decided state.
	baseKey string
	// changes counts the times the slot's leader gave way to another.
	changes int
	// fail is a sample error or a vote without consensus met while the slot
	// was speculative; it stops the run if the slot becomes the head.
	fail      error
	stop      error // a budget limit met by the head: launch no more
	discarded bool
	decided   bool
	next      S // the decided state, for observers
	// In ordered mode: early tallies the valid answers in arrival order, to
	// choose what the next step is built on, and read1 keeps the readings
	// of the arrivals waiting for their turn.
	early      *Tally
	earlyCands map[string]Candidate[S]
	read1      map[int]reading[S]
	// digest is the step's decision-cache key; hit, when set, says the
	// cache decided it (its origin), with no sample drawn.
	digest digestKey
	hit    string
}

type pipeline[S any] struct {
	r   *runner[S]
	ctx context.Context
	// depth is how many steps ahead the pipeline may open now; with auto
	// it follows the leader changes of the decided steps (changes over
	// voted), see SpeculationDepth.
	depth   int
	auto    bool
	changes int
	voted   int
	limit   int
	results chan arrival
	chain   []*slot[S] // chain[0] is the head; chain[i] is step head+i
	live    map[int]*slot[S]
	nextID  int
	// inflight counts the samples in flight over every slot.
	inflight int
	// decided are the steps decided but not yet handed to observers, in
	// order: each waits for its late samples.
	decided []*slot[S]
	// state, prev and step are the decided state, the last decided action
	// and the number of steps decided.
	state S
	prev  string
	step  int
	res   *Result[S]
	// stopping routes every arrival to the late count while the run winds
	// down.
	stopping bool
	// wasted counts, by step, the samples of attempts thrown away, for the
	// step's record.
	wasted map[int]int
}

// pipelined is loop with speculation.
func (r *runner[S]) pipelined(ctx context.Context, from Checkpoint[S], res *Result[S]) error {
	p := &pipeline[S]{
		r:      r,
		ctx:    ctx,
		depth:  r.cfg.Speculate,
		limit:  r.cfg.MaxSteps,
		live:   map[int]*slot[S]{},
		wasted: map[int]int{},
		state:  from.State,
		prev:   from.Prev,
		step:   from.Step,
		res:    res,
	}
	if p.limit == 0 {
		p.limit = r.task.Steps()
	}
	most := p.depth
	if p.depth == SpeculateAuto {
		p.auto, r.sum.Auto = true, true
		p.depth = SpeculationDepth(changeRate(r.cfg.PlannedP, 0, 0))
		r.sum.Depth = p.depth
		most = MaxAutoSpeculation
	}
	p.results = make(chan arrival, (most+1)*(r.cfg.K+r.cfg.Hedge+r.cfg.Concurrency+1))
	err := p.run()
	// Wind down: cancel every slot, hear every sample out, count it, and
	// hand the decided steps to the observers.
	p.stopping = true
	for i, s := range p.chain {
		if i == 0 {
			s.cancel()
		} else {
			p.discard(s)
		}
	}
	for p.inflight > 0 {
		p.arrive(<-p.results)
	}
	if err == nil || !isObserverError(err) {
		if ferr := p.emit(context.WithoutCancel(ctx)); ferr != nil && err == nil {
			err = ferr
		}
	}
	for _, s := range p.chain[:min(1, len(p.chain))] {
		s.flushWaiting()
	}
	return err
}

// observerError marks an error from an observer, after which no other
// step may be handed over.
type observerError struct{ err error }

func (e *observerError) Error() string { return e.err.Error() }
func (e *observerError) Unwrap() error { return e.err }

func isObserverError(err error) bool {
	_, ok := err.(*observerError)
	return ok
}

func (p *pipeline[S]) run() error {
	r := p.r
	for {
		if err := p.emit(p.ctx); err != nil {
			return err
		}
		// Decide every head that has already won its vote.
		for len(p.chain) > 0 && p.chain[0].tally.Winner() != "" && p.chain[0].fail == nil {
			p.decideHead()
		}
		if len(p.chain) == 0 {
			if r.task.Done(p.state, p.step) {
				r.sum.Done = true
				r.sum.StopReason = "done"
				return nil
			}
			if p.limit > 0 && p.step >= p.limit {
				if r.cfg.MaxSteps > 0 {
					r.sum.StopReason = "max steps"
					return nil
				}
				return fmt.Errorf("after %d steps: %w", p.step, ErrStepLimit)
			}
			if r.pastUntil() {
				r.sum.StopReason = StopUntil
				return nil
			}
			if err := p.ctx.Err(); err != nil {
				return err
			}
			s, err := p.open(p.step, p.state, p.prev, "")
			if err != nil {
				return err
			}
			p.chain = append(p.chain, s)
			if s.hit != "" {
				continue // decided by the cache: nothing to wait for
			}
		}
		if err := p.ctx.Err(); err != nil {
			return err
		}
		head := p.chain[0]
		p.fill()
		if head.fail != nil {
			return head.fail
		}
		if head.pending() == 0 && head.stop != nil {
			return head.stop
		}
		if p.inflight == 0 {
			return fmt.Errorf("step %d: vote stalled with %d results waiting", head.step+1, len(head.waiting))
		}
		var a arrival
		select {
		case a = <-p.results:
		case <-p.ctx.Done():
			return p.ctx.Err()
		case <-r.sampleCtx.Done():
			if r.wallReached(p.ctx) {
				return r.wallError(head.step)
			}
			return p.ctx.Err()
		}
		if err := p.arrive(a); err != nil {
			return err
		}
	}
}

// open starts the vote of step from state, built on the predecessor's
// candidate baseKey ("" for a decided state).
func (p *pipeline[S]) open(step int, state S, prev, baseKey string) (*slot[S], error) {
	r := p.r
	k := r.cfg.K
	if r.cfg.KPolicy != nil {
		k = r.cfg.KPolicy.K(step)
		if k < 1 {
			return nil, fmt.Errorf("step %d: k policy returned k=%d", step+1, k)
		}
	}
	ctx, cancel := context.WithCancel(r.sampleCtx)
	p.nextID++
	s := &slot[S]{
		decision: &decision[S]{
			r:      r,
			step:   step,
			state:  state,
			prompt: r.task.Prompt(state, prev, step),
			tally:  NewTally(k),
			rec:    &StepRecord{Step: step, K: k, Prev: prev},
			id:     p.nextID,
		},
		ctx:     ctx,
		cancel:  cancel,
		began:   time.Now(),
		baseKey: baseKey,
	}
	s.single = p.depth > 0
	if r.cfg.Ordered {
		s.ordered = true
		s.early = NewTally(k)
		s.earlyCands = map[string]Candidate[S]{}
		s.read1 = map[int]reading[S]{}
	}
	p.live[s.id] = s
	var rec *StepRecord
	var c Candidate[S]
	var hit bool
	if s.digest, rec, c, hit = r.fromCache(step, state, prev, s.prompt, k); hit {
		// The cached winner stands as k votes, so the slot is won before
		// it launches anything; emit clears them from the record.
		s.hit = rec.CacheHit
		for range k {
			s.tally.Add(rec.Key)
			if s.early != nil {
				s.early.Add(rec.Key)
			}
		}
		s.cands.add(rec.Key, c)
		if s.earlyCands != nil {
			s.earlyCands[rec.Key] = c
		}
	}
	return s, nil
}

// fill launches what each slot's vote needs, the head first, and opens the
// next speculative step from the last slot's leader while the depth allows.
// With Concurrency set, it caps the samples in flight over all slots.
func (p *pipeline[S]) fill() {
	r := p.r
	conc := r.cfg.Concurrency
	for i := 0; i < len(p.chain); i++ {
		s := p.chain[i]
		if s.fail == nil && s.stop == nil && s.tally.Winner() == "" {
			want := s.tally.Need() + r.cfg.Hedge
			for s.pending() < want && s.launched < r.cfg.MaxSamples {
				room := want - s.pending()
				if conc > 0 {
					if p.inflight >= conc {
						return
					}
					room = min(room, conc-p.inflight)
				}
				if err := r.admit(s.step, p.inflight, s.prompt); err != nil {
					if i == 0 {
						s.stop = err
					}
					// Speculative steps wait for room in the budget; the
					// head decides whether the run stops.
					return
				}
				before := s.launched
				s.launchNext(s.ctx, p.results, room)
				p.inflight += s.launched - before
			}
			if s.pending() == 0 && s.launched >= r.cfg.MaxSamples {
				if s.escalate() {
					i-- // vote this slot again, on the escalation model
					continue
				}
				s.fail = &NoConsensusError{Step: s.step + 1, K: s.tally.K(), Samples: s.launched, Flagged: s.rec.Flagged, Tally: s.tally.Counts()}
			}
		}
		if i == len(p.chain)-1 && i < p.depth && s.fail == nil {
			p.extend(s)
		}
	}
}

// extend opens the step after s from s's leading candidate.
func (p *pipeline[S]) extend(s *slot[S]) {
	r := p.r
	leader := s.leader()
	if leader == "" {
		return
	}
	// Candidates with one key are one answer (the Task.Key contract), so
	// the first that came back stands for the one the vote will keep.
	c, ok := s.cands.get(leader)
	if !ok {
		c = s.earlyCands[leader]
	}
	step := s.step + 1
	if r.task.Done(c.State, step) || p.limit > 0 && step >= p.limit || r.pastUntil() {
		return
	}
	child, err := p.open(step, c.State, c.Action, leader)
	if err != nil {
		// A k policy that fails will fail again when the step is the head.
		return
	}
	r.sum.Started++
	p.chain = append(p.chain, child)
}

// arrive files one sample with its slot.
func (p *pipeline[S]) arrive(a arrival) error {
	s := p.live[a.slot]
	p.inflight--
	s.inflight--
	defer p.retire(s)
	switch {
	case s.discarded:
		p.waste(s, a)
		return nil
	case p.stopping || s.decided || s.tally.Winner() != "" || s.fail != nil:
		s.late(a)
		return nil
	}
	if a.err != nil {
		if p.ctx.Err() != nil {
			s.late(a)
			return p.ctx.Err()
		}
		if p.r.wallReached(p.ctx) {
			s.late(a)
			return p.r.wallError(s.step)
		}
		s.record(a, mark{err: a.err.Error()})
		err := fmt.Errorf("step %d: sample %d: %w", s.step+1, a.idx+1, a.err)
		if s == p.chain[0] {
			return err
		}
		s.fail = err
		return nil
	}
	leaderBefore := s.leader()
	rd := s.read(a)
	if !s.ordered {
		s.cast(a, rd)
	} else {
		if rd.flag == FlagNone {
			// The step's own vote counts in launch order, but the step
			// after it may start from whichever answer came first.
			s.early.Add(rd.key)
			if _, ok := s.earlyCands[rd.key]; !ok {
				s.earlyCands[rd.key] = rd.cand
			}
		}
		s.waiting.put(a)
		s.read1[a.idx] = rd
		for s.tally.Winner() == "" {
			next, ok := s.waiting.take(s.nextIdx)
			if !ok {
				break
			}
			s.cast(next, s.read1[s.nextIdx])
			delete(s.read1, s.nextIdx)
			s.nextIdx++
		}
	}
	if s.tally.Winner() != "" {
		// Decided by its margin (the head) or ready to be the moment it
		// becomes the head: the samples still out are not needed.
		s.cancel()
		s.flushWaiting()
	}
	if leader := s.leader(); leader != leaderBefore {
		if leaderBefore != "" {
			s.changes++
		}
		p.leaderChanged(s, leader)
	}
	return nil
}

// escalate turns the slot's vote over to the escalation model (see
// decision.escalate), with the early tally of ordered mode cleared too.
func (s *slot[S]) escalate() bool {
	if !s.decision.escalate() {
		return false
	}
	if s.early != nil {
		s.early = NewTally(s.tally.K())
		clear(s.earlyCands)
	}
	return true
}

// leader is the candidate the next step is built on: the winner, or the
// one leading among the answers that came back (in arrival order, also in
// ordered mode, where the vote itself waits for the samples launched first).
func (s *slot[S]) leader() string {
	if w := s.tally.Winner(); w != "" {
		return w
	}
	if s.early != nil {
		l, _ := s.early.Lead()
		return l
	}
	l, _ := s.tally.Lead()
	return l
}

// leaderChanged discards the steps below s that were built on another
// candidate than s's new leader.
func (p *pipeline[S]) leaderChanged(s *slot[S], leader string) {
	for i, c := range p.chain {
		if c == s {
			if i+1 < len(p.chain) && p.chain[i+1].baseKey != leader {
				p.discardFrom(i + 1)
			}
			return
		}
	}
}

// decideHead closes the head's vote and makes its successor the head when
// it was built on the winner, or discards the speculation below it.
func (p *pipeline[S]) decideHead() {
	r := p.r
	h := p.chain[0]
	h.cancel()
	h.decided = true
	key := h.tally.Winner()
	w, _ := h.cands.get(key)
	h.rec.Key, h.rec.Action = key, w.Action
	if r.checker != nil {
		if cerr := r.checker.Check(h.step, p.state, w); cerr != nil {
			h.rec.Wrong, h.rec.WrongWhy = true, cerr.Error()
		}
	}
	h.next = w.State
	if h.hit != "" {
		h.rec.CacheHit = h.hit
	}
	r.sum.LeaderChanges += int64(h.changes)
	if p.auto {
		p.changes += h.changes
		p.voted++
		p.depth = SpeculationDepth(changeRate(r.cfg.PlannedP, p.changes, p.voted))
		r.sum.Depth = max(r.sum.Depth, p.depth)
	}
	p.decided = append(p.decided, h)
	p.retire(h)
	if len(p.chain) > 1 && p.chain[1].baseKey == key {
		r.sum.Hits++
		p.chain = p.chain[1:]
	} else {
		p.discardFrom(1)
		p.chain = p.chain[:0]
	}
	p.state, p.prev, p.step = w.State, w.Action, p.step+1
}

// discardFrom throws away the slots from chain[i] on.
func (p *pipeline[S]) discardFrom(i int) {
	for _, s := range p.chain[i:] {
		p.discard(s)
		p.r.sum.Discarded++
	}
	p.chain = p.chain[:i]
}

// discard cancels a slot and moves what its samples counted to the waste.
func (p *pipeline[S]) discard(s *slot[S]) {
	s.cancel()
	s.discarded = true
	p.wasted[s.step] += len(s.samples) + len(s.waiting) + s.inflight
	for i := range s.samples {
		p.r.sum.toWasted(&s.samples[i])
	}
	for _, a := range s.waiting {
		p.waste(s, a)
	}
	s.waiting = nil
	p.retire(s)
}

// waste counts a sample of a discarded slot.
func (p *pipeline[S]) waste(s *slot[S], a arrival) {
	s.late(a)
	p.r.sum.toWasted(&s.samples[len(s.samples)-1])
}

// flushWaiting counts as late the arrivals an ordered vote no longer needs.
func (s *slot[S]) flushWaiting() {
	for _, a := range s.waiting {
		s.late(a)
	}
	s.waiting = s.waiting[:0]
}

// retire forgets a finished slot once its last sample is back.
func (p *pipeline[S]) retire(s *slot[S]) {
	if s.inflight == 0 && (s.discarded || s.decided) {
		delete(p.live, s.id)
	}
}

// emit hands the decided steps whose samples are all back to the
// observers, in order.
func (p *pipeline[S]) emit(ctx context.Context) error {
	r := p.r
	for len(p.decided) > 0 && p.decided[0].inflight == 0 {
		h := p.decided[0]
		p.decided = p.decided[1:]
		h.flushWaiting()
		rec := h.rec
		rec.Samples = h.samples
		rec.Tally = h.tally.Counts()
		rec.Votes = h.tally.Votes()
		rec.Wall = time.Since(h.began)
		rec.State = h.next
		rec.Speculative = h.baseKey != ""
		rec.Wasted = p.wasted[rec.Step]
		delete(p.wasted, rec.Step)
		if rec.FromCache() {
			rec.Tally, rec.Votes = nil, 0
		} else if r.cache != nil {
			r.cache.remember(h.digest, rec)
		}
		r.sum.addDecision(rec)
		if r.cfg.KPolicy != nil {
			r.cfg.KPolicy.Observe(rec)
		}
		for _, o := range r.cfg.Observers {
			if err := o.Observe(ctx, rec); err != nil {
				return &observerError{fmt.Errorf("step %d: observer: %w", rec.Step+1, err)}
			}
		}
		if !r.cfg.DiscardActions {
			p.res.Actions = append(p.res.Actions, rec.Action)
		}
		p.res.State = h.next
	}
	return nil
}
