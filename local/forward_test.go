package local

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestForwardMatchesNaive holds the cached, batched forward pass to the
// plain float64 network of the format, to 1e-5: a prompt run at once, then
// one token at a time through the KV cache, and several sequences of
// different lengths in one pass.
func TestForwardMatchesNaive(t *testing.T) {
	const tol = 1e-5
	for _, c := range []tiny{
		{D: 8, L: 1, H: 1, T: 16, Seed: 1},
		{D: 16, L: 2, H: 4, T: 32, Seed: 2},
		{D: 12, L: 3, H: 3, T: 24, Seed: 3}, // widths that are not a multiple of 4
		{D: 32, L: 2, H: 2, T: 64, Seed: 4},
		{D: 128, L: 4, H: 4, T: 48, Seed: 5, Scale: 0.1}, // the trained models' shape
	} {
		n := c.net(t)
		rng := rand.New(rand.NewPCG(c.Seed, 5))
		seq := make([]int, c.T)
		for i := range seq {
			seq[i] = rng.IntN(n.V)
		}
		want := naiveLogits(n, seq)
		check := func(what string, pos int, got []float32) {
			t.Helper()
			for v := range got {
				if !closeTo(got[v], want[pos][v], tol) {
					t.Fatalf("D%d L%d H%d: %s: position %d logit %d = %v, naive %v", c.D, c.L, c.H, what, pos, v, got[v], want[pos][v])
				}
			}
		}

		// The first half as a prompt, the rest one token at a time.
		p := c.T / 2
		ws := &workspace{}
		cache := n.newCache()
		rows := make([]row, p)
		for i := range rows {
			rows[i] = row{c: cache, pos: i, tok: seq[i]}
		}
		all := n.forward(ws, rows, 0)
		for i := 0; i < p; i++ {
			check("prompt", i, all[i*n.V:(i+1)*n.V])
		}
		for i := p; i < c.T; i++ {
			check("cached", i, n.forward(ws, []row{{c: cache, pos: i, tok: seq[i]}}, 0))
		}

		// Three sequences in step, each a copy of a shorter prompt, fed
		// the same continuation from different points.
		starts := []int{1, 3, 5}
		caches := make([]*kvCache, len(starts))
		for s, st := range starts {
			caches[s] = n.newCache()
			caches[s].copyPrefix(cache, st, n.D)
		}
		for step := 0; starts[len(starts)-1]+step < c.T; step++ {
			var rs []row
			for s, st := range starts {
				rs = append(rs, row{c: caches[s], pos: st + step, tok: seq[st+step]})
			}
			got := n.forward(ws, rs, 0)
			for s, st := range starts {
				check("batched", st+step, got[s*n.V:(s+1)*n.V])
			}
		}
	}
}

func BenchmarkForwardToken(b *testing.B) {
	c := tiny{D: 128, L: 4, H: 4, T: 256, Seed: 1}
	n := c.net(b)
	ws := &workspace{}
	cache := n.newCache()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n.forward(ws, []row{{c: cache, pos: i % 80, tok: i % n.V}}, 0)
	}
}

// TestGELU holds the table to the exact erf form, NaN and the far ends
// included.
func TestGELU(t *testing.T) {
	xs := []float32{-100, -8, -7.9999, -3, -1e-3, 0, 1e-7, 0.5, 1, 2.345678, 7.9999, 8, 100, float32(math.Inf(1)), float32(math.Inf(-1))}
	for i := 0; i < 100000; i++ {
		xs = append(xs, float32(i)/100000*20-10)
	}
	got := append([]float32(nil), xs...)
	gelu(got)
	worst := 0.0
	for i, x := range xs {
		want := 0.5 * float64(x) * (1 + math.Erf(float64(x)/math.Sqrt2))
		if math.IsInf(float64(x), -1) {
			want = 0
		}
		d := math.Abs(float64(got[i]) - want)
		if math.IsInf(want, 0) && float64(got[i]) == want {
			d = 0
		}
		worst = math.Max(worst, d/math.Max(1, math.Abs(want)))
	}
	if worst > 2e-7 {
		t.Errorf("GELU is off by %.3g at worst", worst)
	}
	nan := []float32{float32(math.NaN())}
	gelu(nan)
	if !math.IsNaN(float64(nan[0])) {
		t.Errorf("GELU(NaN) = %v", nan[0])
	}
}

// TestForwardSameAloneOrBatched: a row's logits are the same to the bit
// whether it runs alone or beside others, at any place in the batch, so a
// batch of samples draws exactly what the same requests draw one by one.
func TestForwardSameAloneOrBatched(t *testing.T) {
	n := tiny{D: 32, L: 2, H: 4, T: 32, Seed: 9}.net(t)
	prompt := []int{1, 20, 7, 8, 7, 4, 4, 21, 5, 6, 4, 5, 6, 4, 5, 5, 2}
	pre := n.newCache()
	rows := make([]row, len(prompt))
	for i, id := range prompt {
		rows[i] = row{c: pre, pos: i, tok: id}
	}
	n.forward(&workspace{}, rows, len(rows)-1)
	next := []int{9, 4, 12, 6, 11}
	alone := make([][]float32, len(next))
	for i, tok := range next {
		c := n.newCache()
		c.copyPrefix(pre, len(prompt), n.D)
		alone[i] = append([]float32(nil), n.forward(&workspace{}, []row{{c: c, pos: len(prompt), tok: tok}}, 0)...)
	}
	for m := 2; m <= len(next); m++ {
		var rs []row
		for _, tok := range next[:m] {
			c := n.newCache()
			c.copyPrefix(pre, len(prompt), n.D)
			rs = append(rs, row{c: c, pos: len(prompt), tok: tok})
		}
		got := n.forward(&workspace{}, rs, 0)
		for i := 0; i < m; i++ {
			for v := 0; v < n.V; v++ {
				if got[i*n.V+v] != alone[i][v] {
					t.Fatalf("row %d of %d: logit %d is %v, alone %v", i, m, v, got[i*n.V+v], alone[i][v])
				}
			}
		}
	}
}
