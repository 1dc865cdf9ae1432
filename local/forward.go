package local

import (
	"math"
)

// kvCache holds one sequence's keys and values at every layer for its
// positions so far, so that each new token costs one position's work
// instead of the whole sequence's.
type kvCache struct {
	k, v [][]float32 // per layer, [T*D], position-major
}

// newCache returns an empty cache with room for the model's T positions.
func (n *Net) newCache() *kvCache {
	c := &kvCache{k: make([][]float32, n.L), v: make([][]float32, n.L)}
	for l := range c.k {
		c.k[l] = make([]float32, n.T*n.D)
		c.v[l] = make([]float32, n.T*n.D)
	}
	return c
}

// copyPrefix makes positions 0..p-1 of dst those of src.
func (c *kvCache) copyPrefix(src *kvCache, p, d int) {
	for l := range c.k {
		copy(c.k[l][:p*d], src.k[l][:p*d])
		copy(c.v[l][:p*d], src.v[l][:p*d])
	}
}

// row is one token to run: its sequence's cache, its position and its id.
// A forward pass runs many rows at once: the positions of one prompt, or
// the next token of many continuations, so that each weight row is read
// once for all of them.
type row struct {
	c   *kvCache
	pos int
	tok int
}

// workspace is the scratch memory of forward passes, kept by one
// generation for all its passes.
type workspace struct {
	x, h, qkv, att, ff, logits, scores []float32
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// forward runs rows through the network. Each row's key and value are
// written to its cache at its position, and each row attends to its cache's
// positions up to its own, so the rows of one prompt in order give causal
// attention. It returns the logits of rows[from:], V per row.
func (n *Net) forward(ws *workspace, rows []row, from int) []float32 {
	m, D, hd := len(rows), n.D, n.D/n.H
	ws.x = grow(ws.x, m*D)
	ws.h = grow(ws.h, m*D)
	ws.qkv = grow(ws.qkv, m*3*D)
	ws.att = grow(ws.att, m*D)
	ws.ff = grow(ws.ff, m*4*D)
	ws.scores = grow(ws.scores, n.T)
	x := ws.x
	for r, rw := range rows {
		xr := x[r*D : (r+1)*D]
		te := n.tokEmb[rw.tok*D : (rw.tok+1)*D]
		pe := n.posEmb[rw.pos*D : (rw.pos+1)*D]
		for i := range xr {
			xr[i] = te[i] + pe[i]
		}
	}
	scale := float32(1 / math.Sqrt(float64(hd)))
	for l := range n.blocks {
		b := &n.blocks[l]
		layerNorm(ws.h, x, m, D, b.ln1W, b.ln1B)
		linear(ws.qkv, ws.h, m, D, b.qkvW, b.qkvB, 3*D)
		for r, rw := range rows {
			q := ws.qkv[r*3*D : (r+1)*3*D]
			copy(rw.c.k[l][rw.pos*D:(rw.pos+1)*D], q[D:2*D])
			copy(rw.c.v[l][rw.pos*D:(rw.pos+1)*D], q[2*D:])
		}
		for r, rw := range rows {
			q := ws.qkv[r*3*D : r*3*D+D]
			out := ws.att[r*D : (r+1)*D]
			attend(out, q, rw.c.k[l], rw.c.v[l], rw.pos+1, D, n.H, scale, ws.scores)
		}
		linearAdd(x, ws.att, m, D, b.projW, b.projB, D)
		layerNorm(ws.h, x, m, D, b.ln2W, b.ln2B)
		linear(ws.ff, ws.h, m, D, b.fcW, b.fcB, 4*D)
		gelu(ws.ff)
		linearAdd(x, ws.ff, m, 4*D, b.outW, b.outB, D)
	}
	k := m - from
	xs := x[from*D:]
	h := ws.h[:k*D]
	layerNorm(h, xs, k, D, n.lnfW, n.lnfB)
	ws.logits = grow(ws.logits, k*n.V)
	linear(ws.logits, h, k, D, n.head, nil, n.V)
	return ws.logits
}

// attend writes into out the causal attention of one query over the
// first t positions of a layer's keys and values, head by head.
func attend(out, q, keys, vals []float32, t, d, heads int, scale float32, scores []float32) {
	hd := d / heads
	scores = scores[:t]
	for h := 0; h < heads; h++ {
		qh := q[h*hd : (h+1)*hd]
		mx := float32(math.Inf(-1))
		for j := 0; j < t; j++ {
			s := dot(qh, keys[j*d+h*hd:j*d+(h+1)*hd]) * scale
			scores[j] = s
			if s > mx {
				mx = s
			}
		}
		var sum float32
		for j := range scores {
			e := float32(math.Exp(float64(scores[j] - mx)))
			scores[j] = e
			sum += e
		}
		oh := out[h*hd : (h+1)*hd]
		clear(oh)
		inv := 1 / sum
		for j, s := range scores {
			w := s * inv
			vj := vals[j*d+h*hd : j*d+(h+1)*hd]
			for i := range oh {
				oh[i] += w * vj[i]
			}
		}
	}
}

// layerNorm normalises each of the m rows of x (width d) into out.
func layerNorm(out, x []float32, m, d int, w, b []float32) {
	for r := 0; r < m; r++ {
		xr := x[r*d : (r+1)*d]
		or := out[r*d : (r+1)*d]
		var mean float64
		for _, v := range xr {
			mean += float64(v)
		}
		mean /= float64(d)
		var vr float64
		for _, v := range xr {
			dv := float64(v) - mean
			vr += dv * dv
		}
		vr /= float64(d)
		inv := 1 / math.Sqrt(vr+layerNormEps)
		for i, v := range xr {
			or[i] = float32((float64(v)-mean)*inv)*w[i] + b[i]
		}
	}
}

// gelu applies GELU, 0.5·x·(1 + erf(x/√2)), in place, by linear
// interpolation in a table of the exact function: within 2e-7 of it, far
// below the rounding of the float32 products around it, and a fifth of the
// cost of a token where math.Erf is called each time.
func gelu(x []float32) {
	for i, v := range x {
		switch {
		case v >= geluMax:
			// GELU(x) differs from x by less than 1e-15 out here.
		case v > -geluMax:
			f := (v + geluMax) * geluPerUnit
			j := int(f)
			frac := f - float32(j)
			x[i] = geluTable[j] + frac*(geluTable[j+1]-geluTable[j])
		case v <= -geluMax:
			x[i] = 0
		}
	}
}

// The GELU table spans [-geluMax, geluMax] in steps of 1/geluPerUnit.
const (
	geluMax     = 8
	geluPerUnit = 1024
)

var geluTable = func() []float32 {
	t := make([]float32, 2*geluMax*geluPerUnit+2)
	for j := range t {
		x := float64(j)/geluPerUnit - geluMax
		t[j] = float32(0.5 * x * (1 + math.Erf(x/math.Sqrt2)))
	}
	return t
}()

// linear sets out[j*outDim+o] = bias[o] + w[o]·x[j] for the m rows of x
// (width in); a nil bias is zero.
func linear(out, x []float32, m, in int, w, bias []float32, outDim int) {
	matmul(out, x, m, in, w, bias, outDim, false)
}

// linearAdd adds the same product to out (a residual connection).
func linearAdd(out, x []float32, m, in int, w, bias []float32, outDim int) {
	matmul(out, x, m, in, w, bias, outDim, true)
}

// matmul computes x·wᵀ (+ bias) into out, or adds it. Four weight rows
// are taken at a time and run against every row of x, so each x value
// loaded serves four products and the four rows stay in the L1 cache for
// all of x.
func matmul(out, x []float32, m, in int, w, bias []float32, outDim int, add bool) {
	o := 0
	for ; o+4 <= outDim; o += 4 {
		w0 := w[o*in : (o+1)*in]
		w1 := w[(o+1)*in : (o+2)*in]
		w2 := w[(o+2)*in : (o+3)*in]
		w3 := w[(o+3)*in : (o+4)*in]
		var b0, b1, b2, b3 float32
		if bias != nil {
			b0, b1, b2, b3 = bias[o], bias[o+1], bias[o+2], bias[o+3]
		}
		put := func(j int, s0, s1, s2, s3 float32) {
			dst := out[j*outDim+o : j*outDim+o+4]
			if add {
				dst[0] += s0 + b0
				dst[1] += s1 + b1
				dst[2] += s2 + b2
				dst[3] += s3 + b3
			} else {
				dst[0], dst[1], dst[2], dst[3] = s0+b0, s1+b1, s2+b2, s3+b3
			}
		}
		j := 0
		for ; j+2 <= m; j += 2 {
			a0, a1, a2, a3, c0, c1, c2, c3 := dot4x2(w0, w1, w2, w3, x[j*in:(j+1)*in], x[(j+1)*in:(j+2)*in])
			put(j, a0, a1, a2, a3)
			put(j+1, c0, c1, c2, c3)
		}
		if j < m {
			s0, s1, s2, s3 := dot4(w0, w1, w2, w3, x[j*in:(j+1)*in])
			put(j, s0, s1, s2, s3)
		}
	}
	for ; o < outDim; o++ {
		wo := w[o*in : (o+1)*in]
		var bo float32
		if bias != nil {
			bo = bias[o]
		}
		for j := 0; j < m; j++ {
			s := dot(wo, x[j*in:(j+1)*in]) + bo
			if add {
				out[j*outDim+o] += s
			} else {
				out[j*outDim+o] = s
			}
		}
	}
}

// dot4 is the dot product of x with four rows at once.
func dot4(w0, w1, w2, w3, x []float32) (s0, s1, s2, s3 float32) {
	n := len(x)
	w0, w1, w2, w3 = w0[:n], w1[:n], w2[:n], w3[:n]
	for i, xi := range x {
		s0 += w0[i] * xi
		s1 += w1[i] * xi
		s2 += w2[i] * xi
		s3 += w3[i] * xi
	}
	return
}

// dot4x2 is the dot products of two rows of x with four weight rows:
// each weight loaded serves two products, each x value four. Each product
// is summed term by term in order, exactly as dot4 sums it, so a row's
// result does not depend on the row beside it.
func dot4x2(w0, w1, w2, w3, xa, xb []float32) (a0, a1, a2, a3, c0, c1, c2, c3 float32) {
	n := len(xa)
	w0, w1, w2, w3, xb = w0[:n], w1[:n], w2[:n], w3[:n], xb[:n]
	for i, x := range xa {
		y := xb[i]
		v0, v1, v2, v3 := w0[i], w1[i], w2[i], w3[i]
		a0 += v0 * x
		a1 += v1 * x
		a2 += v2 * x
		a3 += v3 * x
		c0 += v0 * y
		c1 += v1 * y
		c2 += v2 * y
		c3 += v3 * y
	}
	return
}

// dot is the dot product of a and b (len(b) ≥ len(a)).
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		a4, b4 := a[i:i+4:i+4], b[i:i+4:i+4]
		s0 += a4[0] * b4[0]
		s1 += a4[1] * b4[1]
		s2 += a4[2] * b4[2]
		s3 += a4[3] * b4[3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}
