// Package localtest builds model files of package local's format with
// random weights, for tests: a model of any size that loads and runs, so
// the runtime can be checked without a trained model.
package localtest

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

// Vocab is the vocabulary of models/hanoitiny/FORMAT.md.
var Vocab = func() []string {
	v := []string{"<pad>", "<bos>", "<sep>", "<eos>", "[", "]", ", ", "|", "none", "move = ", "\nnext_state = "}
	for i := 0; i <= 20; i++ {
		v = append(v, strconv.Itoa(i))
	}
	return v
}()

// Model describes a model with random weights.
type Model struct {
	D, L, H, T int     // d_model, n_layer, n_head, max_len
	Seed       uint64  // decides the weights
	Scale      float32 // spread of the weights (0: 0.3)
}

// Tensor is one tensor of a file: its shape and its values.
type Tensor struct {
	Shape []int
	Data  []float32
}

// Names lists a model's tensors in the order the trainer writes them.
func (m Model) Names() []string {
	names := []string{"tok_emb", "pos_emb"}
	for i := 0; i < m.L; i++ {
		for _, s := range []string{"ln1.weight", "ln1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight", "attn.proj.bias",
			"ln2.weight", "ln2.bias", "mlp.fc.weight", "mlp.fc.bias", "mlp.proj.weight", "mlp.proj.bias"} {
			names = append(names, fmt.Sprintf("blocks.%d.%s", i, s))
		}
	}
	return append(names, "ln_f.weight", "ln_f.bias", "head.weight")
}

// Tensors draws the weights, with LayerNorm weights near 1 as trained ones
// are.
func (m Model) Tensors() map[string]Tensor {
	scale := m.Scale
	if scale == 0 {
		scale = 0.3
	}
	rng := rand.New(rand.NewPCG(m.Seed, 99))
	V, D := len(Vocab), m.D
	rnd := func(shape ...int) Tensor {
		n := 1
		for _, d := range shape {
			n *= d
		}
		t := Tensor{Shape: shape, Data: make([]float32, n)}
		for i := range t.Data {
			t.Data[i] = float32(rng.NormFloat64()) * scale
		}
		return t
	}
	ln := func() Tensor {
		t := rnd(D)
		for i := range t.Data {
			t.Data[i] += 1
		}
		return t
	}
	ts := map[string]Tensor{"tok_emb": rnd(V, D), "pos_emb": rnd(m.T, D), "ln_f.weight": ln(), "ln_f.bias": rnd(D), "head.weight": rnd(V, D)}
	for i := 0; i < m.L; i++ {
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

// Meta is the file's metadata.
func (m Model) Meta() map[string]string {
	v, _ := json.Marshal(Vocab)
	return map[string]string{"format": "hanoitiny-1", "vocab": string(v), "d_model": strconv.Itoa(m.D), "n_layer": strconv.Itoa(m.L),
		"n_head": strconv.Itoa(m.H), "max_len": strconv.Itoa(m.T), "seed": strconv.FormatUint(m.Seed, 10)}
}

// File is the model as the bytes of a safetensors file.
func (m Model) File() []byte { return Write(m.Names(), m.Tensors(), m.Meta()) }

// Path writes the model's file as NAME.safetensors in a directory of the
// test's own and returns its path: a model a --model local/PATH can name.
func (m Model) Path(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name+".safetensors")
	if err := os.WriteFile(p, m.File(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Write lays out tensors (in the order of names) and metadata as a
// safetensors file, the header padded with spaces to 8 bytes as the
// trainer pads it. A name without a tensor is written as an empty one.
func Write(names []string, tensors map[string]Tensor, meta map[string]string) []byte {
	type entry struct {
		DType   string  `json:"dtype"`
		Shape   []int   `json:"shape"`
		Offsets []int64 `json:"data_offsets"`
	}
	header := map[string]any{}
	if meta != nil {
		header["__metadata__"] = meta
	}
	var off int64
	for _, name := range names {
		t := tensors[name]
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		header[name] = entry{DType: "F32", Shape: shape, Offsets: []int64{off, off + 4*int64(len(t.Data))}}
		off += 4 * int64(len(t.Data))
	}
	h, err := json.Marshal(header)
	if err != nil {
		panic(err) // maps of strings, ints and slices always marshal
	}
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	out := make([]byte, 8, 8+len(h)+int(off))
	binary.LittleEndian.PutUint64(out, uint64(len(h)))
	out = append(out, h...)
	for _, name := range names {
		for _, v := range tensors[name].Data {
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(v))
		}
	}
	return out
}
