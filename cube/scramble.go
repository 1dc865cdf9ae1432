package cube

// ScrambleLength is the number of moves [Scramble] uses: the WCA convention
// for random-move scrambles, long enough that the resulting states are close
// to uniformly distributed for solver benchmarks.
const ScrambleLength = 25

// Scramble returns a deterministic random-move scramble for seed and the cube
// it produces. Tasks and tests name scrambles by seed, so the generator is
// implemented here (SplitMix64) rather than taken from math/rand, whose
// streams are not promised to stay the same across Go releases.
func Scramble(seed uint64) (Cube, Sequence) {
	s := ScrambleMoves(seed, ScrambleLength)
	return s.Cube(), s
}

// ScrambleMoves returns n pseudo-random moves determined by seed. No move
// turns the same face as the one before it, and no three consecutive moves
// stay on one axis (as in "U D U"), because such moves would merge and make
// the scramble effectively shorter than n.
func ScrambleMoves(seed uint64, n int) Sequence {
	rng := splitMix64{state: seed}
	seq := make(Sequence, 0, max(n, 0))
	for len(seq) < n {
		m := Move(rng.intn(NumMoves))
		if k := len(seq); k > 0 {
			prev := seq[k-1].Face()
			if m.Face() == prev {
				continue
			}
			if k > 1 && axis(seq[k-2].Face()) == axis(prev) && axis(m.Face()) == axis(prev) {
				continue
			}
		}
		seq = append(seq, m)
	}
	return seq
}

// FromMoves parses a move string and applies it to the solved cube, the
// usual way to reproduce a scramble written in notation.
func FromMoves(s string) (Cube, error) {
	seq, err := ParseMoves(s)
	if err != nil {
		return Cube{}, err
	}
	return seq.Cube(), nil
}

// axis returns 0 for U/D, 1 for R/L and 2 for F/B.
func axis(f Face) int { return int(f) % 3 }

// splitMix64 is Steele, Lea and Flood's SplitMix64 generator: tiny, fast and
// fully specified, so seeded scrambles are stable forever.
type splitMix64 struct{ state uint64 }

func (r *splitMix64) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a value in [0, n) by rejection, so every value is equally
// likely.
func (r *splitMix64) intn(n int) int {
	limit := ^uint64(0) - ^uint64(0)%uint64(n)
	for {
		v := r.next()
		if v < limit {
			return int(v % uint64(n))
		}
	}
}
