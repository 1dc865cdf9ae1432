package local

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/maker-go/maker/local/localtest"
)

// TestLoadNetRefuses: a file that is damaged, foreign or of another shape
// than its metadata says is an error naming what is wrong.
func TestLoadNetRefuses(t *testing.T) {
	base := localtest.Model{D: 8, L: 2, H: 2, T: 16, Seed: 1}
	build := func(edit func(names []string, ts map[string]localtest.Tensor, meta map[string]string) []string) []byte {
		ts, meta, names := base.Tensors(), base.Meta(), base.Names()
		if edit != nil {
			names = edit(names, ts, meta)
		}
		return localtest.Write(names, ts, meta)
	}
	good := build(nil)
	if _, err := LoadNet(good); err != nil {
		t.Fatalf("the unedited model: %v", err)
	}
	withHeader := func(h string) []byte {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
		return append(b, h...)
	}
	for _, tc := range []struct {
		name string
		file []byte
		msg  string
	}{
		{"empty", nil, "shorter than the 8-byte header length"},
		{"header past the end", binary.LittleEndian.AppendUint64(nil, 100), "header length 100 does not fit"},
		{"huge header", binary.LittleEndian.AppendUint64(nil, math.MaxUint64), "does not fit"},
		{"cut short", good[:len(good)-4], "outside the"},
		{"not JSON", withHeader("{nope"), "safetensors: header"},
		{"metadata not strings", withHeader(`{"__metadata__":{"d_model":8}}`), "__metadata__ must map names to strings"},
		{"unknown field", withHeader(`{"x":{"dtype":"F32","shape":[],"data_offsets":[0,4],"extra":1}}`), `tensor "x"`},
		{"float16", withHeader(`{"x":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}`), `dtype "F16", want F32`},
		{"one offset", withHeader(`{"x":{"dtype":"F32","shape":[1],"data_offsets":[0]}}`), "has 1 values, want 2"},
		{"negative dimension", withHeader(`{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}`), "impossible shape"},
		{"shape past the file", withHeader(`{"x":{"dtype":"F32","shape":[60,60],"data_offsets":[0,0]}}`), "larger than the file"},
		{"size and shape disagree", append(withHeader(`{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`), 0, 0, 0, 0), "4 bytes for shape [2], want 8"},
		{"overlap", append(withHeader(`{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`), make([]byte, 8)...), "overlap"},
		{"another format", build(func(n []string, _ map[string]localtest.Tensor, m map[string]string) []string {
			m["format"] = "gguf"
			return n
		}), `metadata format is "gguf", want "hanoitiny-1"`},
		{"no vocabulary", build(func(n []string, _ map[string]localtest.Tensor, m map[string]string) []string {
			delete(m, "vocab")
			return n
		}), "metadata vocab must be a JSON list"},
		{"no <eos>", build(func(n []string, _ map[string]localtest.Tensor, m map[string]string) []string {
			v := append([]string(nil), localtest.Vocab...)
			v[3] = "<end>"
			b, _ := json.Marshal(v)
			m["vocab"] = string(b)
			return n
		}), "vocab lacks <eos>"},
		{"a token twice", build(func(n []string, _ map[string]localtest.Tensor, m map[string]string) []string {
			m["vocab"] = strings.Replace(m["vocab"], `"none"`, `"|"`, 1)
			return n
		}), `vocab token "|" appears twice`},
		{"heads do not divide", build(func(n []string, _ map[string]localtest.Tensor, m map[string]string) []string {
			m["n_head"] = "3"
			return n
		}), "d_model 8 is not a multiple of n_head 3"},
		{"no layers", build(func(n []string, _ map[string]localtest.Tensor, m map[string]string) []string {
			m["n_layer"] = "0"
			return n
		}), "n_layer must be a whole number from 1 to 64"},
		{"fewer layers than tensors", build(func(n []string, _ map[string]localtest.Tensor, m map[string]string) []string {
			m["n_layer"] = "1"
			return n
		}), "unexpected tensor blocks.1."},
		{"missing tensor", build(func(n []string, ts map[string]localtest.Tensor, _ map[string]string) []string {
			delete(ts, "head.weight")
			return n[:len(n)-1]
		}), "tensor head.weight is missing"},
		{"wrong shape", build(func(n []string, ts map[string]localtest.Tensor, _ map[string]string) []string {
			w := ts["blocks.1.attn.qkv.weight"]
			w.Shape = []int{8, 24}
			ts["blocks.1.attn.qkv.weight"] = w
			return n
		}), "tensor blocks.1.attn.qkv.weight has shape [8 24], want [24 8]"},
		{"NaN weight", build(func(n []string, ts map[string]localtest.Tensor, _ map[string]string) []string {
			ts["ln_f.bias"].Data[3] = float32(math.NaN())
			return n
		}), "tensor ln_f.bias holds NaN at index 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadNet(tc.file)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want %q", err, tc.msg)
			}
		})
	}
}

// FuzzLoadNet feeds arbitrary bytes, and damaged copies of a good file, to
// the loader: an error or a model, never a panic.
func FuzzLoadNet(f *testing.F) {
	good := localtest.Model{D: 4, L: 1, H: 1, T: 4, Seed: 1}.File()
	f.Add(good)
	f.Add([]byte{})
	f.Add(good[:40])
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := LoadNet(b)
		if err == nil {
			// A model that loads runs.
			n.forward(&workspace{}, []row{{c: n.newCache(), pos: 0, tok: n.bos}}, 0)
		}
	})
}
