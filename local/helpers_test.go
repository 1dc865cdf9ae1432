package local

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/maker-go/maker/local/localtest"
)

// Token ids of the contract's vocabulary.
const (
	idPad, idBOS, idSep, idEOS, idLB, idRB, idComma, idBar, idNone, idMove, idNext = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
	idNum0                                                                         = 11
)

// tiny describes a random model for tests.
type tiny localtest.Model

// file is the model as the bytes of a safetensors file.
func (c tiny) file(t testing.TB) []byte { return localtest.Model(c).File() }

// net loads the model.
func (c tiny) net(t testing.TB) *Net {
	t.Helper()
	n, err := LoadNet(c.file(t))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// path writes the model to a file and returns its path.
func (c tiny) path(t testing.TB) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tiny.safetensors")
	if err := os.WriteFile(p, c.file(t), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// naiveLogits is the contract's network written out plainly, in float64,
// over the whole sequence at once with no cache: the logits of every
// position. It is the reference the cached forward pass is held to.
func naiveLogits(n *Net, toks []int) [][]float64 {
	D, H, V := n.D, n.H, n.V
	hd := D / H
	S := len(toks)
	x := make([][]float64, S)
	for i, t := range toks {
		x[i] = make([]float64, D)
		for j := 0; j < D; j++ {
			x[i][j] = float64(n.tokEmb[t*D+j]) + float64(n.posEmb[i*D+j])
		}
	}
	lnorm := func(v []float64, w, b []float32) []float64 {
		var mean, vr float64
		for _, a := range v {
			mean += a
		}
		mean /= float64(len(v))
		for _, a := range v {
			vr += (a - mean) * (a - mean)
		}
		vr /= float64(len(v))
		out := make([]float64, len(v))
		for j, a := range v {
			out[j] = (a-mean)/math.Sqrt(vr+1e-5)*float64(w[j]) + float64(b[j])
		}
		return out
	}
	lin := func(v []float64, w, b []float32, outDim int) []float64 {
		in := len(v)
		out := make([]float64, outDim)
		for o := 0; o < outDim; o++ {
			s := 0.0
			if b != nil {
				s = float64(b[o])
			}
			for j := 0; j < in; j++ {
				s += float64(w[o*in+j]) * v[j]
			}
			out[o] = s
		}
		return out
	}
	for _, bl := range n.blocks {
		qkv := make([][]float64, S)
		for i := range x {
			qkv[i] = lin(lnorm(x[i], bl.ln1W, bl.ln1B), bl.qkvW, bl.qkvB, 3*D)
		}
		for i := 0; i < S; i++ {
			cat := make([]float64, D)
			for h := 0; h < H; h++ {
				sc := make([]float64, i+1)
				mx := math.Inf(-1)
				for j := 0; j <= i; j++ {
					s := 0.0
					for d := 0; d < hd; d++ {
						s += qkv[i][h*hd+d] * qkv[j][D+h*hd+d]
					}
					sc[j] = s / math.Sqrt(float64(hd))
					mx = math.Max(mx, sc[j])
				}
				sum := 0.0
				for j := range sc {
					sc[j] = math.Exp(sc[j] - mx)
					sum += sc[j]
				}
				for j := range sc {
					for d := 0; d < hd; d++ {
						cat[h*hd+d] += sc[j] / sum * qkv[j][2*D+h*hd+d]
					}
				}
			}
			qkv[i] = append(qkv[i], cat...) // keep q, k, v intact for later rows
		}
		for i := range x {
			a := lin(qkv[i][3*D:], bl.projW, bl.projB, D)
			for j := range x[i] {
				x[i][j] += a[j]
			}
			f := lin(lnorm(x[i], bl.ln2W, bl.ln2B), bl.fcW, bl.fcB, 4*D)
			for j := range f {
				f[j] = 0.5 * f[j] * (1 + math.Erf(f[j]/math.Sqrt2))
			}
			m := lin(f, bl.outW, bl.outB, D)
			for j := range x[i] {
				x[i][j] += m[j]
			}
		}
	}
	out := make([][]float64, S)
	for i := range x {
		out[i] = lin(lnorm(x[i], n.lnfW, n.lnfB), n.head, nil, V)
	}
	return out
}

// closeTo reports whether a float32 result is within tol of a reference,
// relative to the reference's size when it is above 1.
func closeTo(got float32, want, tol float64) bool {
	return math.Abs(float64(got)-want) <= tol*math.Max(1, math.Abs(want))
}
