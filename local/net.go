package local

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
)

// Format is the model format this package runs: a pre-LayerNorm GPT over
// a word-level vocabulary, stored as float32 safetensors with the tensor
// names and metadata that models/hanoitiny/FORMAT.md lists.
const Format = "hanoitiny-1"

// The special tokens every vocabulary of the format has.
const (
	tokPad = "<pad>"
	tokBOS = "<bos>"
	tokSep = "<sep>"
	tokEOS = "<eos>"
)

// layerNormEps is the epsilon of every LayerNorm of the format.
const layerNormEps = 1e-5

// block is one transformer layer's weights. Matrices are row-major with
// one row per output, as PyTorch's Linear stores them, so that each output
// is a dot product over a contiguous row.
type block struct {
	ln1W, ln1B   []float32
	qkvW, qkvB   []float32 // [3D, D], [3D]: q rows, then k, then v
	projW, projB []float32 // [D, D], [D]
	ln2W, ln2B   []float32
	fcW, fcB     []float32 // [4D, D], [4D]
	outW, outB   []float32 // [D, 4D], [D]
}

// Net is a loaded model: its dimensions, vocabulary and weights. It is
// read-only once loaded, so any number of generations may share it.
type Net struct {
	D, L, H, T, V int
	vocab         []string
	tokEmb        []float32 // [V, D]
	posEmb        []float32 // [T, D]
	blocks        []block
	lnfW, lnfB    []float32
	head          []float32 // [V, D]
	meta          map[string]string
	// sum identifies the weights (FNV-1a of the file), so that samples
	// depend on the model and not on where its file lies.
	sum uint64
	// ids of the special tokens
	pad, bos, sep, eos int
}

// Params is the number of weights.
func (n *Net) Params() int {
	p := len(n.tokEmb) + len(n.posEmb) + len(n.lnfW) + len(n.lnfB) + len(n.head)
	for _, b := range n.blocks {
		for _, t := range [][]float32{b.ln1W, b.ln1B, b.qkvW, b.qkvB, b.projW, b.projB, b.ln2W, b.ln2B, b.fcW, b.fcB, b.outW, b.outB} {
			p += len(t)
		}
	}
	return p
}

// Meta returns a metadata value of the file ("" when absent).
func (n *Net) Meta(key string) string { return n.meta[key] }

// LoadNet reads a model from the bytes of a safetensors file of [Format].
// The file must hold exactly the tensors the format names, with the shapes
// its metadata implies, and only finite weights; anything else is an error
// that names the tensor or field.
func LoadNet(b []byte) (*Net, error) {
	f, err := readSafetensors(b)
	if err != nil {
		return nil, err
	}
	if got := f.meta["format"]; got != Format {
		return nil, fmt.Errorf("model: metadata format is %q, want %q", got, Format)
	}
	h := fnv.New64a()
	h.Write(b)
	n := &Net{meta: f.meta, sum: h.Sum64()}
	if err := json.Unmarshal([]byte(f.meta["vocab"]), &n.vocab); err != nil {
		return nil, fmt.Errorf("model: metadata vocab must be a JSON list of strings: %w", err)
	}
	for _, d := range []struct {
		key string
		v   *int
		max int
	}{{"d_model", &n.D, 4096}, {"n_layer", &n.L, 64}, {"n_head", &n.H, 64}, {"max_len", &n.T, 8192}} {
		v, err := strconv.Atoi(f.meta[d.key])
		if err != nil || v < 1 || v > d.max {
			return nil, fmt.Errorf("model: metadata %s must be a whole number from 1 to %d, got %q", d.key, d.max, f.meta[d.key])
		}
		*d.v = v
	}
	if n.D%n.H != 0 {
		return nil, fmt.Errorf("model: d_model %d is not a multiple of n_head %d", n.D, n.H)
	}
	n.V = len(n.vocab)
	ids := map[string]int{}
	for i, t := range n.vocab {
		if t == "" {
			return nil, fmt.Errorf("model: vocab token %d is empty", i)
		}
		if _, dup := ids[t]; dup {
			return nil, fmt.Errorf("model: vocab token %q appears twice", t)
		}
		ids[t] = i
	}
	for _, s := range []struct {
		tok string
		id  *int
	}{{tokPad, &n.pad}, {tokBOS, &n.bos}, {tokSep, &n.sep}, {tokEOS, &n.eos}} {
		id, ok := ids[s.tok]
		if !ok {
			return nil, fmt.Errorf("model: vocab lacks %s", s.tok)
		}
		*s.id = id
	}

	used := map[string]bool{}
	take := func(name string, shape ...int) ([]float32, error) {
		t, ok := f.tensors[name]
		if !ok {
			return nil, fmt.Errorf("model: tensor %s is missing", name)
		}
		if !sameShape(t.shape, shape) {
			return nil, fmt.Errorf("model: tensor %s has shape %v, want %v", name, t.shape, shape)
		}
		for i, v := range t.data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("model: tensor %s holds %v at index %d", name, v, i)
			}
		}
		used[name] = true
		return t.data, nil
	}
	D := n.D
	if n.tokEmb, err = take("tok_emb", n.V, D); err != nil {
		return nil, err
	}
	if n.posEmb, err = take("pos_emb", n.T, D); err != nil {
		return nil, err
	}
	n.blocks = make([]block, n.L)
	for i := range n.blocks {
		b := &n.blocks[i]
		p := fmt.Sprintf("blocks.%d.", i)
		for _, w := range []struct {
			name  string
			dst   *[]float32
			shape []int
		}{
			{"ln1.weight", &b.ln1W, []int{D}}, {"ln1.bias", &b.ln1B, []int{D}},
			{"attn.qkv.weight", &b.qkvW, []int{3 * D, D}}, {"attn.qkv.bias", &b.qkvB, []int{3 * D}},
			{"attn.proj.weight", &b.projW, []int{D, D}}, {"attn.proj.bias", &b.projB, []int{D}},
			{"ln2.weight", &b.ln2W, []int{D}}, {"ln2.bias", &b.ln2B, []int{D}},
			{"mlp.fc.weight", &b.fcW, []int{4 * D, D}}, {"mlp.fc.bias", &b.fcB, []int{4 * D}},
			{"mlp.proj.weight", &b.outW, []int{D, 4 * D}}, {"mlp.proj.bias", &b.outB, []int{D}},
		} {
			if *w.dst, err = take(p+w.name, w.shape...); err != nil {
				return nil, err
			}
		}
	}
	if n.lnfW, err = take("ln_f.weight", D); err != nil {
		return nil, err
	}
	if n.lnfB, err = take("ln_f.bias", D); err != nil {
		return nil, err
	}
	if n.head, err = take("head.weight", n.V, D); err != nil {
		return nil, err
	}
	for name := range f.tensors {
		if !used[name] {
			return nil, fmt.Errorf("model: unexpected tensor %s (n_layer is %d)", name, n.L)
		}
	}
	return n, nil
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
