package maker

import (
	"context"
	"errors"
	"fmt"
	"time"
)

type arrival struct {
	slot int // the vote it belongs to, when several are in flight
	idx  int
	temp float64
	resp Response
	err  error
	// batch is the number of completions the request asked for, on the
	// first arrival of a batched request (0 otherwise).
	batch int
	// took is how long the model took to answer a single request on a
	// worker goroutine (0 for the others): see runner.timed.
	took time.Duration
}

// A model that answers in microseconds (an in-process simulator, a lookup)
// costs more to hand to a worker goroutine and back than to call: after a
// window of inlineProbe samples answered on workers in inlineMean each on
// average or less, a step calls the model on the run's own goroutine, one
// sample after the other, which gives the same votes in launch order. The
// first call that takes inlineLimit or longer hands the samples of the
// steps after it back to concurrent workers, and the next window decides
// again: a model that is
// slow now and then (a cache in front of a remote model) seldom has a
// window fast enough, and a loaded machine that stalled one call costs a
// window on the workers. A run that hedges races its samples by design,
// and never calls inline.
const (
	inlineProbe = 64
	inlineMean  = 20 * time.Microsecond
	inlineLimit = time.Millisecond
)

// decision is the state of one step's vote while samples come back.
type decision[S any] struct {
	r       *runner[S]
	step    int
	state   S // the state the step starts from, for the task's Validator
	prompt  Prompt
	tally   *Tally
	rec     *StepRecord
	cands   candidates[S]
	samples []SampleRecord
	seq     int
	// Ordered mode: arrivals waiting for the samples launched before them.
	ordered  bool
	waiting  parked
	nextIdx  int
	launched int
	inflight int
	// id tags the arrivals of this vote when several run at once.
	id int
	// single sends the opening votes one request each: while the engine
	// votes ahead, the step after this one starts on the first of them.
	single bool
	// seenText and seenReading are the last text read and its reading.
	seen        bool
	seenText    string
	seenReading reading[S]
	// escalated: the vote went over to Config.Escalate's model after base
	// samples on the run's model (escalate.go).
	escalated bool
	base      int
	// inline: the step calls the model on the run's goroutine.
	inline bool
	// ownTally is the tally of the step's votes on the run's model (tally
	// points to it until the vote escalates).
	ownTally Tally
}

// decide samples one step until a candidate is ahead by k.
//
// The first k samples go out at once (the first at the first temperature).
// After every arrival the engine keeps exactly as many samples in flight as
// the leader still needs, k minus its lead, capped by the concurrency: a
// flagged sample is therefore replaced, and a vote for the leader lowers
// what is needed. When a candidate wins, the samples still in flight are
// cancelled through their context, waited for and counted.
func (r *runner[S]) decide(ctx context.Context, step int, state S, prev string, prompt Prompt, k int) (*StepRecord, Candidate[S], error) {
	began := time.Now()
	// The decision is the run's, reused from step to step (its record is
	// new: observers keep it), with the lists it grew.
	d := r.dec
	if d == nil {
		d = new(decision[S])
		r.dec = d
	}
	*d = decision[S]{
		r:       r,
		step:    step,
		state:   state,
		prompt:  prompt,
		rec:     &StepRecord{Step: step, K: k, Prev: prev},
		inline:  r.inline && r.cfg.Hedge == 0,
		cands:   d.cands[:0],
		waiting: d.waiting[:0],
	}
	d.ownTally.reset(k)
	d.tally = &d.ownTally
	// An inline step has no sample out once it is decided: nothing to
	// cancel.
	stepCtx, cancel := r.sampleCtx, context.CancelFunc(func() {})
	if !d.inline {
		stepCtx, cancel = context.WithCancel(r.sampleCtx)
	}
	defer cancel()
	if r.cfg.Ordered {
		d.ordered = true
	}
	if need := k + r.cfg.Hedge + r.cfg.Concurrency + 1; cap(r.results) < need {
		r.results = make(chan arrival, need)
	}
	results := r.results
	var zero Candidate[S]

	err := d.run(ctx, stepCtx, results)
	cancel()
	// Wait for every sample still out, so none leaks into the next step and
	// each is counted: cancelled, or late but paid for.
	for d.inflight > 0 {
		a := <-results
		d.inflight--
		d.late(a)
	}
	for _, a := range d.waiting {
		d.late(a)
	}
	d.rec.Samples = d.samples
	d.rec.Tally = d.tally.Counts()
	d.rec.Votes = d.tally.Votes()
	d.rec.Wall = time.Since(began)
	if err != nil {
		return d.rec, zero, err
	}
	d.rec.Key = d.tally.Winner()
	w, _ := d.cands.get(d.rec.Key)
	d.rec.Action = w.Action
	return d.rec, w, nil
}

func (d *decision[S]) run(ctx, stepCtx context.Context, results chan arrival) error {
	r := d.r
	conc := r.cfg.Concurrency
	var stop error // a budget limit: launch no more, but hear out those in flight
	for d.tally.Winner() == "" {
		want := d.tally.Need() + r.cfg.Hedge
		if conc > 0 && want > conc {
			want = conc
		}
		for stop == nil && d.pending() < want && d.launched < r.cfg.MaxSamples {
			if err := r.admit(d.step, d.inflight, d.prompt); err != nil {
				stop = err
				break
			}
			d.launchNext(stepCtx, results, want-d.pending())
		}
		if d.pending() == 0 {
			if stop != nil {
				return stop
			}
			if d.escalate() {
				continue
			}
			return &NoConsensusError{Step: d.step + 1, K: d.tally.K(), Samples: d.launched, Flagged: d.rec.Flagged, Tally: d.tally.Counts()}
		}
		if d.inflight == 0 {
			// Ordered mode can only be waiting on an arrival it has; this
			// cannot happen, but never block forever on it.
			return fmt.Errorf("step %d: vote stalled with %d results waiting", d.step+1, len(d.waiting))
		}
		var a arrival
		select {
		case a = <-results:
		case <-ctx.Done():
			return ctx.Err()
		case <-r.sampleCtx.Done():
			if r.wallReached(ctx) {
				return r.wallError(d.step)
			}
			return ctx.Err()
		}
		d.inflight--
		r.timed(a.took, false)
		if a.err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if r.wallReached(ctx) {
				d.late(a)
				return r.wallError(d.step)
			}
			d.record(a, mark{err: a.err.Error()})
			return fmt.Errorf("step %d: sample %d: %w", d.step+1, a.idx+1, a.err)
		}
		if !d.ordered {
			d.count(a)
			continue
		}
		d.waiting.put(a)
		for d.tally.Winner() == "" {
			next, ok := d.waiting.take(d.nextIdx)
			if !ok {
				break
			}
			d.nextIdx++
			d.count(next)
		}
	}
	return nil
}

// pending is what may still vote: samples in flight and, in ordered mode,
// those that arrived early and wait for their turn.
func (d *decision[S]) pending() int { return d.inflight + len(d.waiting) }

// launchNext starts one request: a single sample, or, for the first votes of
// a step on a batch model, up to want samples in one request. A batch
// arrives whole, when its slowest sample is done, which costs a step that
// waits for all its votes nothing; a step opened singly (while speculating)
// sends its opening votes alone, so the fastest of them is heard first.
func (d *decision[S]) launchNext(ctx context.Context, results chan<- arrival, want int) {
	r := d.r
	idx := d.launched
	temp := r.cfg.Temperatures.Rest
	if idx == 0 {
		temp = r.cfg.Temperatures.First
	}
	req := Request{Prompt: d.prompt, Temperature: temp, MaxTokens: r.cfg.MaxTokens, Step: d.step, Sample: idx, Schema: r.schema}
	model := d.sampleModel()
	bm, batch := model.(BatchModel)
	n := 1
	if batch && r.cfg.Batch && idx > 0 && want > 1 && !(d.single && idx < d.tally.K()) {
		n = min(want, r.cfg.MaxSamples-idx)
	}
	d.launched += n
	d.inflight += n
	if n == 1 && d.inline {
		began := time.Now()
		resp, err := model.Generate(ctx, req)
		r.timed(time.Since(began), true)
		// The channel has room for every sample a step has out.
		results <- arrival{slot: d.id, idx: idx, temp: temp, resp: resp, err: err}
		return
	}
	if n == 1 {
		slot := d.id
		r.spawn(func() {
			began := time.Now()
			resp, err := model.Generate(ctx, req)
			results <- arrival{slot: slot, idx: idx, temp: temp, resp: resp, err: err, took: max(time.Since(began), 1)}
		})
		return
	}
	r.spawn(func() {
		resps, err := bm.GenerateBatch(ctx, req, n)
		for i := 0; i < n; i++ {
			a := arrival{slot: d.id, idx: idx + i, temp: temp, err: err}
			if i == 0 {
				a.batch = n
			}
			if err == nil {
				if i < len(resps) {
					a.resp = resps[i]
				} else {
					a.err = fmt.Errorf("batch returned %d of %d completions", len(resps), n)
				}
			}
			results <- a
		}
	})
}

// timed counts how long a single request took: on a worker (took 0 for an
// arrival that was not timed there), or inline. It switches the steps that
// follow to inline calls, or back (see inlineProbe).
func (r *runner[S]) timed(took time.Duration, inline bool) {
	switch {
	case inline:
		if took >= inlineLimit {
			r.inline = false
		}
	case took > 0:
		r.quickN++
		r.quickSum += took
		if r.quickN == inlineProbe {
			r.inline = r.quickSum <= inlineProbe*inlineMean
			r.quickN, r.quickSum = 0, 0
		}
	}
}

// spawn runs f on an idle worker goroutine, or on a new one. Workers wait
// for the next sample until the run ends: a long run then starts no
// goroutine per sample, and their stacks have grown once.
func (r *runner[S]) spawn(f func()) {
	select {
	case r.jobs <- f:
	default:
		go r.work(f)
	}
}

func (r *runner[S]) work(f func()) {
	for {
		f()
		select {
		case f = <-r.jobs:
		case <-r.quit:
			return
		}
	}
}

// count red-flags one arrival and, if it is valid, casts its vote.
func (d *decision[S]) count(a arrival) {
	d.cast(a, d.read(a))
}

// reading is an arrival read: its red flag, or its candidate and key.
type reading[S any] struct {
	flag   Flag
	reason string // the validator's, for FlagInvalid
	cand   Candidate[S]
	key    string
}

// read red-flags an arrival and parses it. Most samples of a step say the
// same thing word for word, so what depends on the text alone (the text's
// red flags, the parse and the key) is worked out once per distinct text.
func (d *decision[S]) read(a arrival) reading[S] {
	r := d.r
	if f := r.flags.checkLength(a.resp); f != FlagNone {
		return reading[S]{flag: f}
	}
	if d.seen && d.seenText == a.resp.Text {
		return d.seenReading
	}
	rd := reading[S]{flag: r.flags.checkText(a.resp.Text)}
	if rd.flag == FlagNone {
		var err error
		if rd.cand, err = r.task.Parse(a.resp.Text); err != nil {
			rd.flag = FlagMalformed
		} else if rd.flag, rd.reason = Validate(r.sampleCtx, r.task, d.state, rd.cand); rd.flag == FlagNone {
			rd.key = r.task.Key(rd.cand)
		}
	}
	d.seen, d.seenText, d.seenReading = true, a.resp.Text, rd
	return rd
}

// cast files a read arrival: a flag, or a vote.
func (d *decision[S]) cast(a arrival, rd reading[S]) {
	if rd.flag != FlagNone {
		d.rec.Flagged++
		d.record(a, mark{flag: rd.flag, reason: rd.reason})
		return
	}
	d.cands.add(rd.key, rd.cand)
	d.record(a, mark{key: rd.key, voted: true})
	d.tally.Add(rd.key)
}

// late counts an arrival after the decision: cancelled, or finished but too
// late to vote. Either way whatever it cost was spent.
func (d *decision[S]) late(a arrival) {
	d.rec.Cancelled++
	m := mark{cancelled: true}
	if a.err != nil && !errors.Is(a.err, context.Canceled) && !(errors.Is(a.err, context.DeadlineExceeded) && d.r.sampleCtx.Err() != nil) {
		m.err = a.err.Error()
	}
	d.record(a, m)
}

// mark is what became of a sample, for its record.
type mark struct {
	flag      Flag
	reason    string
	key       string
	voted     bool
	cancelled bool
	err       string
}

// record files a sample in the step record and the run's counters.
func (d *decision[S]) record(a arrival, m mark) {
	r := d.r
	pricing, model := r.samplePricing(d.step, a.idx)
	if d.escalated {
		pricing, model = r.escalationPricing, r.cfg.Escalate.Name
	}
	u := a.resp.Usage(pricing)
	if c := u.ChargedUSD(); c > r.maxSampleCost {
		r.maxSampleCost = c
	}
	sr := SampleRecord{
		Index:       d.base + a.idx,
		Model:       model,
		Seq:         d.seq,
		Temperature: a.temp,
		Text:        a.resp.Text,
		Usage:       u,
		Latency:     a.resp.Latency,
		Retries:     a.resp.Retries,
		Key:         m.key,
		Flag:        m.flag,
		FlagReason:  m.reason,
		Voted:       m.voted,
		Cancelled:   m.cancelled,
		Error:       m.err,
		Escalated:   d.escalated,
	}
	if a.batch > 1 && a.err == nil {
		sr.Batch = a.batch
	}
	d.seq++
	if d.samples == nil {
		d.samples = make([]SampleRecord, 0, d.tally.K()+r.cfg.Hedge)
	}
	d.samples = append(d.samples, sr)
	d.rec.Retries += sr.Retries
	d.rec.Usage.Add(u)
	r.sum.addSample(&sr)
	if a.err == nil {
		r.latency += a.resp.Latency
		r.answered++
	}
}

// candidates are a step's candidates by key, the first of each kept: a
// step has one or two, so a list beats a map.
type candidates[S any] []keyed[S]

type keyed[S any] struct {
	key  string
	cand Candidate[S]
}

func (c candidates[S]) get(key string) (Candidate[S], bool) {
	for i := range c {
		if c[i].key == key {
			return c[i].cand, true
		}
	}
	return Candidate[S]{}, false
}

// add keeps cand under key unless the key has one.
func (c *candidates[S]) add(key string, cand Candidate[S]) {
	if _, ok := c.get(key); !ok {
		*c = append(*c, keyed[S]{key, cand})
	}
}

// parked are the arrivals an ordered vote holds until the samples launched
// before them are counted: a handful at most.
type parked []arrival

func (p *parked) put(a arrival) { *p = append(*p, a) }

// take removes and returns the arrival of sample idx, if it is here.
func (p *parked) take(idx int) (arrival, bool) {
	for i, a := range *p {
		if a.idx == idx {
			last := len(*p) - 1
			(*p)[i] = (*p)[last]
			(*p)[last] = arrival{}
			*p = (*p)[:last]
			return a, true
		}
	}
	return arrival{}, false
}
