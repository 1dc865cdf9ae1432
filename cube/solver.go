package cube

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// maxPhase2 is the diameter of G1 in its own moves (18 moves, a known
	// result); no phase-2 search needs to go deeper.
	maxPhase2 = 18
	// maxSolution bounds every solution the search can return: phase 1 needs
	// at most 12 moves, so the first solution found is at most 12+18 long.
	maxSolution = 12 + maxPhase2
)

// ErrNoSolution is returned when the context ends the search before it found
// any solution. The first solution usually takes milliseconds, so this
// signals a very short context deadline or a cancellation.
var ErrNoSolution = errors.New("cube: no solution found before the search was stopped")

// Solver solves cubes with Kociemba's two-phase algorithm. It holds only
// read-only tables, so one Solver can serve any number of goroutines; build
// it once because building or loading the tables is the expensive part.
type Solver struct {
	t    *tables
	info TableInfo
}

// NewSolver returns a solver whose tables are loaded from cacheDir or, if the
// cache is missing, corrupt or from another version, built (a fraction of a
// second) and written there for next time. An empty cacheDir means
// [DefaultCacheDir]; problems with the default cache are tolerated (see
// [Solver.TableInfo]), while an explicit cacheDir that cannot be written is
// reported as an error together with a working solver, since the caller
// asked for that location.
func NewSolver(cacheDir string) (*Solver, error) {
	explicit := cacheDir != ""
	if !explicit {
		d, err := DefaultCacheDir()
		if err == nil {
			cacheDir = d
		}
	}
	t, info, err := loadTables(cacheDir, explicit)
	return &Solver{t: t, info: info}, err
}

// TableInfo reports where the solver's tables came from and how long they
// took, which is useful to tell whether the cache is working.
func (s *Solver) TableInfo() TableInfo { return s.info }

// Solve returns a move sequence that takes c to the solved state.
//
// The search keeps looking for shorter solutions until it finds one of at
// most maxLength moves or until timeout has passed, and returns the shortest
// it found. The result can therefore be longer than maxLength if time runs
// out first; check its length if that matters. The timeout bounds only the
// improving: the first solution (usually milliseconds, 18-24 moves) is
// always waited for, so a loaded machine yields a longer solution rather
// than none. For a hard limit use ctx, which stops the search at once; if it
// ends the search before any solution the error wraps [ErrNoSolution] and
// ctx.Err().
//
// A maxLength <= 0 asks for the shortest solution the time allows, and a
// timeout <= 0 means no time limit; the search also stops by itself once it
// has proven its best solution optimal, which is quick only for cubes a few
// moves from solved. Typical use is maxLength 20-22 with a timeout of a
// second or less. The six searches run in parallel (three axes, cube and
// inverse), so which solution comes back can differ between runs. An invalid
// cube yields the error from [Cube.Verify].
func (s *Solver) Solve(ctx context.Context, c Cube, maxLength int, timeout time.Duration) (Sequence, error) {
	if err := c.Verify(); err != nil {
		return nil, err
	}
	if c.IsSolved() {
		return Sequence{}, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoSolution, err)
	}
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	sh := &shared{}
	sh.bestLen.Store(maxSolution + 1)
	var wg sync.WaitGroup
	for i := range orients {
		for _, inv := range []bool{false, true} {
			sr := &search{t: s.t, ctx: ctx, sh: sh, orient: &orients[i], inverse: inv,
				target: maxLength, deadline: deadline}
			start := orients[i].apply(c)
			if inv {
				start = start.Inverse()
			}
			wg.Go(func() { sr.run(start) })
		}
	}
	wg.Wait()
	if sh.best == nil {
		return nil, fmt.Errorf("%w: %w", ErrNoSolution, ctx.Err())
	}
	return sh.best, nil
}

// shared is what the parallel searches of one Solve call have in common: the
// best solution so far, whose length bounds every search, and a stop flag.
type shared struct {
	stop    atomic.Bool
	bestLen atomic.Int32
	mu      sync.Mutex
	best    Sequence
}

// offer records a solution (already in the original cube's frame) if it is
// the shortest so far, and stops everything once it meets the target.
func (sh *shared) offer(sol Sequence, target int) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if len(sol) < int(sh.bestLen.Load()) {
		sh.best = sol
		sh.bestLen.Store(int32(len(sol)))
	}
	if len(sol) <= target {
		sh.stop.Store(true)
	}
}

// allowedAfter[p][m] prunes move sequences that have a shorter or equal
// equivalent: a move on the same face as the previous one, or a move on the
// lower-numbered face of an axis right after its opposite (U after D is
// the same as D after U, so only one order is searched).
var allowedAfter = func() (a [NumMoves][NumMoves]bool) {
	for p := range Move(NumMoves) {
		for m := range Move(NumMoves) {
			a[p][m] = m.Face() != p.Face() && m.Face()+3 != p.Face()
		}
	}
	return
}()

// search is one of the parallel searches of a Solve call: the cube seen
// from one of three axis orientations, either as is or inverted (a solution
// of the inverse, reversed and inverted, solves the cube). The six variants
// often differ by a move or two in how quickly they reach short solutions,
// so running them together, sharing the best length, finds short
// solutions sooner than any single one.
type search struct {
	t       *tables
	ctx     context.Context
	sh      *shared
	orient  *orient
	inverse bool

	target   int
	deadline time.Time // when to stop improving; zero for none

	path [maxSolution + 1]Move
	// cubes[i] is the start cube after path[:i]; entries up to index valid
	// are current. Phase 2 needs the cubie state to read its coordinates,
	// and replaying only the changed suffix keeps that cheap.
	cubes [maxSolution + 1]Cube
	valid int

	bestLen int // cached copy of sh.bestLen
	nodes   uint64
	stop    bool
}

// checkEvery is how many nodes pass between clock and context checks:
// frequent enough to stop within a millisecond, rare enough to cost nothing.
const checkEvery = 1 << 12

func (s *search) tick() {
	s.nodes++
	if s.nodes%checkEvery != 0 {
		return
	}
	// The six searches usually outnumber the cores; yielding here shares the
	// cores among them in slices of about 0.1 ms instead of the scheduler's
	// 10 ms, so the search that is closest to a short solution gets there
	// sooner.
	runtime.Gosched()
	if s.sh.stop.Load() || s.ctx.Err() != nil {
		s.stop = true
		return
	}
	if !s.deadline.IsZero() && s.sh.bestLen.Load() <= maxSolution && time.Now().After(s.deadline) {
		s.stop = true
	}
}

// run drives phase 1 by iterative deepening. Each phase-1 solution of depth
// d1 is handed to phase 2 with a budget of bestLen-1-d1 moves, so every
// solution found is shorter than the last; raising d1 trades a longer
// phase 1 for a shorter phase 2, which is how total length comes down.
func (s *search) run(c Cube) {
	s.cubes[0] = c
	s.valid = 0
	tw, fl, sl := c.twist(), c.flip(), c.slice()
	h := s.phase1Bound(tw, fl, sl)
	for d1 := h; !s.stop; d1++ {
		s.bestLen = int(s.sh.bestLen.Load())
		if d1 >= s.bestLen {
			// This search is exhausted: a complete two-phase search has
			// proven the best solution optimal, so the others can stop.
			s.sh.stop.Store(true)
			return
		}
		s.phase1(tw, fl, sl, 0, d1)
	}
}

func (s *search) phase1Bound(tw, fl, sl int) int {
	a := s.t.twistSlicePrune[tw*nSlice+sl]
	if b := s.t.flipSlicePrune[fl*nSlice+sl]; b > a {
		a = b
	}
	return int(a)
}

// phase1 searches for sequences of exactly togo more moves that bring the
// phase-1 coordinates to zero.
func (s *search) phase1(tw, fl, sl, depth, togo int) {
	if togo == 0 {
		s.phase2Start(depth)
		return
	}
	t := s.t
	for m := range Move(NumMoves) {
		if depth > 0 && !allowedAfter[s.path[depth-1]][m] {
			continue
		}
		// A phase-1 solution ending in a G1 move is a shorter phase-1
		// solution followed by that move, which phase 2 already covers.
		if togo == 1 && isPhase2Move[m] {
			continue
		}
		s.tick()
		if s.stop {
			return
		}
		nsl := int(t.sliceMove[sl*NumMoves+int(m)])
		ntw := int(t.twistMove[tw*NumMoves+int(m)])
		if int(t.twistSlicePrune[ntw*nSlice+nsl]) >= togo {
			continue
		}
		nfl := int(t.flipMove[fl*NumMoves+int(m)])
		if int(t.flipSlicePrune[nfl*nSlice+nsl]) >= togo {
			continue
		}
		s.path[depth] = m
		if s.valid > depth {
			s.valid = depth
		}
		s.phase1(ntw, nfl, nsl, depth+1, togo-1)
		if s.stop {
			return
		}
	}
}

// phase2Start runs phase 2 after a phase-1 solution of length d1, looking
// only for totals shorter than the best so far.
func (s *search) phase2Start(d1 int) {
	for i := s.valid; i < d1; i++ {
		s.cubes[i+1] = s.cubes[i].Apply(s.path[i])
	}
	s.valid = d1
	s.bestLen = int(s.sh.bestLen.Load())
	c := &s.cubes[d1]
	cp, ep, sp := c.cornerPerm(), c.edgePerm(), c.slicePerm()
	limit := min(maxPhase2, s.bestLen-1-d1)
	for d2 := s.phase2Bound(cp, ep, sp); d2 <= limit; d2++ {
		if s.phase2(cp, ep, sp, d1, d2) {
			s.found(d1 + d2)
			return
		}
		if s.stop {
			return
		}
	}
}

// found converts the solution in path[:n] to the original cube's frame and
// offers it.
func (s *search) found(n int) {
	sol := append(Sequence(nil), s.path[:n]...)
	if s.inverse {
		sol = sol.Inverse()
	}
	for i, m := range sol {
		sol[i] = s.orient.unmap(m)
	}
	s.sh.offer(sol, s.target)
	s.bestLen = int(s.sh.bestLen.Load())
	if s.sh.stop.Load() {
		s.stop = true
	}
}

func (s *search) phase2Bound(cp, ep, sp int) int {
	a := s.t.cornSlicePrune[cp*nSlicePerm+sp]
	if b := s.t.edgeSlicePrune[ep*nSlicePerm+sp]; b > a {
		a = b
	}
	return int(a)
}

// phase2 reports whether exactly togo more G1 moves solve the cube, leaving
// them in path.
func (s *search) phase2(cp, ep, sp, depth, togo int) bool {
	if togo == 0 {
		return cp == 0 && ep == 0 && sp == 0
	}
	t := s.t
	for k, m := range phase2Moves {
		if depth > 0 && !allowedAfter[s.path[depth-1]][m] {
			continue
		}
		s.tick()
		if s.stop {
			return false
		}
		nsp := int(t.slicePermMove[sp*nMoves2+k])
		ncp := int(t.cornMove[cp*nMoves2+k])
		if int(t.cornSlicePrune[ncp*nSlicePerm+nsp]) >= togo {
			continue
		}
		nep := int(t.edgeMove[ep*nMoves2+k])
		if int(t.edgeSlicePrune[nep*nSlicePerm+nsp]) >= togo {
			continue
		}
		s.path[depth] = m
		if s.phase2(ncp, nep, nsp, depth+1, togo-1) {
			return true
		}
		if s.stop {
			return false
		}
	}
	return false
}
