package cube

// Coordinates map the parts of a cube state that one search phase cares
// about to small integers, so that moves and distance bounds become array
// lookups. Every coordinate is 0 exactly when its part is solved.
//
// Phase 1 takes the cube into the subgroup G1 = <U, D, R2, F2, L2, B2>,
// where corners are untwisted, edges unflipped and the four UD-slice edges
// are in the slice; it uses twist, flip and slice. Phase 2 solves within
// G1, where those three are fixed, using cornerPerm, edgePerm (the eight U
// and D edges) and slicePerm (the four slice edges).
const (
	nTwist     = 2187  // 3^7: twists of the first 7 corners; the 8th follows
	nFlip      = 2048  // 2^11: flips of the first 11 edges; the 12th follows
	nSlice     = 495   // C(12,4): positions of the 4 UD-slice edges
	nCornPerm  = 40320 // 8!
	nEdgePerm  = 40320 // 8!: permutation of the U and D edges in G1
	nSlicePerm = 24    // 4!: permutation of the slice edges in G1
)

// twist returns the corner orientation coordinate, 0..nTwist-1.
func (c *Cube) twist() int {
	t := 0
	for i := 0; i < numCorners-1; i++ {
		t = 3*t + int(c.co[i])
	}
	return t
}

// setTwist sets corner orientations from a twist coordinate; the last
// corner's twist is chosen to keep the total divisible by 3.
func (c *Cube) setTwist(t int) {
	sum := 0
	for i := numCorners - 2; i >= 0; i-- {
		c.co[i] = uint8(t % 3)
		sum += t % 3
		t /= 3
	}
	c.co[numCorners-1] = uint8((3 - sum%3) % 3)
}

// flip returns the edge orientation coordinate, 0..nFlip-1.
func (c *Cube) flip() int {
	f := 0
	for i := 0; i < numEdges-1; i++ {
		f = 2*f + int(c.eo[i])
	}
	return f
}

// setFlip sets edge orientations from a flip coordinate; the last edge's
// flip keeps the total even.
func (c *Cube) setFlip(f int) {
	sum := 0
	for i := numEdges - 2; i >= 0; i-- {
		c.eo[i] = uint8(f % 2)
		sum += f % 2
		f /= 2
	}
	c.eo[numEdges-1] = uint8(sum % 2)
}

// binom[n][k] is n choose k for the small values the slice coordinate needs.
var binom = func() (b [numEdges + 1][5]int) {
	for n := range b {
		b[n][0] = 1
		for k := 1; k < 5; k++ {
			if n > 0 {
				b[n][k] = b[n-1][k-1] + b[n-1][k]
			}
		}
	}
	return
}()

// slice returns which four positions hold UD-slice edges (whatever their
// order), 0..nSlice-1. Positions are counted from the end (q = 11 - p) and
// ranked in the combinatorial number system, so the home positions
// FR, FL, BL, BR (q = 3, 2, 1, 0) give 0.
func (c *Cube) slice() int {
	r, k := 0, 0
	for p := numEdges - 1; p >= 0; p-- {
		if c.edge(p) >= eFR {
			k++
			r += binom[numEdges-1-p][k]
		}
	}
	return r
}

// setSlice places the four slice edges in the positions named by a slice
// coordinate and the other edges, in order, everywhere else.
func (c *Cube) setSlice(r int) {
	var occupied [numEdges]bool
	for k := 4; k >= 1; k-- {
		q := k - 1
		for q+1 < numEdges && binom[q+1][k] <= r {
			q++
		}
		r -= binom[q][k]
		occupied[numEdges-1-q] = true
	}
	s, o := eFR, 0
	for p := range numEdges {
		if occupied[p] {
			c.setEdge(p, s)
			s++
		} else {
			c.setEdge(p, o)
			o++
		}
	}
}

// permRank returns the Lehmer rank of a permutation of 0..len(a)-1: for each
// i, the number of earlier elements larger than a[i] is a digit with radix
// i+1. The identity ranks 0.
func permRank(a []int) int {
	r := 0
	for i := len(a) - 1; i > 0; i-- {
		n := 0
		for j := 0; j < i; j++ {
			if a[j] > a[i] {
				n++
			}
		}
		r = r*(i+1) + n
	}
	return r
}

// permUnrank fills a with the permutation of rank r (inverse of permRank).
func permUnrank(a []int, r int) {
	n := len(a)
	digits := make([]int, n)
	for i := 1; i < n; i++ {
		digits[i] = r % (i + 1)
		r /= i + 1
	}
	used := make([]bool, n)
	for i := n - 1; i >= 0; i-- {
		// a[i] is the element with exactly digits[i] larger unused ones.
		larger := digits[i]
		for v := n - 1; v >= 0; v-- {
			if used[v] {
				continue
			}
			if larger == 0 {
				a[i] = v
				used[v] = true
				break
			}
			larger--
		}
	}
}

// cornerPerm returns the corner permutation coordinate, 0..nCornPerm-1.
func (c *Cube) cornerPerm() int {
	var a [numCorners]int
	for i := range a {
		a[i] = c.corner(i)
	}
	return permRank(a[:])
}

func (c *Cube) setCornerPerm(r int) {
	var a [numCorners]int
	permUnrank(a[:], r)
	for i, p := range a {
		c.setCorner(i, p)
	}
}

// edgePerm returns the permutation of the eight U and D edges, which is only
// meaningful in G1 (when those edges are all in U and D positions).
func (c *Cube) edgePerm() int {
	var a [8]int
	for i := range a {
		a[i] = c.edge(i)
	}
	return permRank(a[:])
}

func (c *Cube) setEdgePerm(r int) {
	var a [8]int
	permUnrank(a[:], r)
	for i, p := range a {
		c.setEdge(i, p)
	}
}

// slicePerm returns the permutation of the four slice edges, meaningful in
// G1 only.
func (c *Cube) slicePerm() int {
	var a [4]int
	for i := range a {
		a[i] = c.edge(eFR+i) - eFR
	}
	return permRank(a[:])
}

func (c *Cube) setSlicePerm(r int) {
	var a [4]int
	permUnrank(a[:], r)
	for i, p := range a {
		c.setEdge(eFR+i, eFR+p)
	}
}
