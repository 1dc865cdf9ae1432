package local

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// contractVocab is the vocabulary of models/hanoitiny/FORMAT.md.
var contractVocab = func() []string {
	v := []string{"<pad>", "<bos>", "<sep>", "<eos>", "[", "]", ", ", "|", "none", "move = ", "\nnext_state = "}
	for i := 0; i <= 20; i++ {
		v = append(v, strconv.Itoa(i))
	}
	return v
}()

// Token ids of the contract's vocabulary.
const (
	idPad, idBOS, idSep, idEOS, idLB, idRB, idComma, idBar, idNone, idMove, idNext = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
	idNum0                                                                         = 11
)

// tiny describes a random model for tests.
type tiny struct {
	D, L, H, T int
	seed       uint64
	scale      float32 // spread of the weights (default 0.3)
}

// tensorNames lists a model's tensors in the order the trainer writes them.
func tensorNames(layers int) []string {
	names := []string{"tok_emb", "pos_emb"}
	for i := 0; i < layers; i++ {
		for _, s := range []string{"ln1.weight", "ln1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight", "attn.proj.bias",
			"ln2.weight", "ln2.bias", "mlp.fc.weight", "mlp.fc.bias", "mlp.proj.weight", "mlp.proj.bias"} {
			names = append(names, fmt.Sprintf("blocks.%d.%s", i, s))
		}
	}
	return append(names, "ln_f.weight", "ln_f.bias", "head.weight")
}

// tensors builds random weights in the format's layout.
func (c tiny) tensors() map[string]tensor {
	if c.scale == 0 {
		c.scale = 0.3
	}
	rng := rand.New(rand.NewPCG(c.seed, 99))
	V, D := len(contractVocab), c.D
	rnd := func(shape ...int) tensor {
		n := 1
		for _, d := range shape {
			n *= d
		}
		t := tensor{shape: shape, data: make([]float32, n)}
		for i := range t.data {
			t.data[i] = float32(rng.NormFloat64()) * c.scale
		}
		return t
	}
	// LayerNorm weights near 1, as trained ones are.
	ln := func() tensor {
		t := rnd(D)
		for i := range t.data {
			t.data[i] += 1
		}
		return t
	}
	ts := map[string]tensor{"tok_emb": rnd(V, D), "pos_emb": rnd(c.T, D), "ln_f.weight": ln(), "ln_f.bias": rnd(D), "head.weight": rnd(V, D)}
	for i := 0; i < c.L; i++ {
		p := fmt.Sprintf("blocks.%d.", i)
		ts[p+"ln1.weight"], ts[p+"ln1.bias"] = ln(), rnd(D)
		ts[p+"attn.qkv.weight"], ts[p+"attn.qkv.bias"] = rnd(3*D, D), rnd(3*D)
		ts[p+"attn.proj.weight"], ts[p+"attn.proj.bias"] = rnd(D, D), rnd(D)
		ts[p+"ln2.weight"], ts[p+"ln2.bias"] = ln(), rnd(D)
		ts[p+"mlp.fc.weight"], ts[p+"mlp.fc.bias"] = rnd(4*D, D), rnd(4*D)
		ts[p+"mlp.proj.weight"], ts[p+"mlp.proj.bias"] = rnd(D, 4*D), rnd(D)
	}
	return ts
}

func (c tiny) meta() map[string]string {
	v, _ := json.Marshal(contractVocab)
	return map[string]string{"format": Format, "vocab": string(v), "d_model": strconv.Itoa(c.D), "n_layer": strconv.Itoa(c.L),
		"n_head": strconv.Itoa(c.H), "max_len": strconv.Itoa(c.T), "seed": strconv.FormatUint(c.seed, 10)}
}

// file is the model as the bytes of a safetensors file.
func (c tiny) file(t testing.TB) []byte {
	t.Helper()
	b, err := writeSafetensors(tensorNames(c.L), c.tensors(), c.meta())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

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

// writeSafetensors writes tensors and metadata in the safetensors layout,
// tensors in the order of names, the header padded with spaces to 8 bytes
// as the trainer pads it.
func writeSafetensors(names []string, tensors map[string]tensor, meta map[string]string) ([]byte, error) {
	header := map[string]any{}
	if meta != nil {
		header["__metadata__"] = meta
	}
	var off int64
	for _, name := range names {
		t := tensors[name]
		header[name] = headerEntry{DType: "F32", Shape: t.shape, Offsets: []int64{off, off + 4*int64(len(t.data))}}
		off += 4 * int64(len(t.data))
	}
	h, err := json.Marshal(header)
	if err != nil {
		return nil, err
	}
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	out := make([]byte, 8, 8+len(h)+int(off))
	binary.LittleEndian.PutUint64(out, uint64(len(h)))
	out = append(out, h...)
	for _, name := range names {
		for _, v := range tensors[name].data {
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(v))
		}
	}
	return out, nil
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
