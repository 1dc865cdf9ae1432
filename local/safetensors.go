package local

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"sort"
)

// maxHeader bounds a safetensors header: a model of a few dozen tensors
// needs a few kilobytes, so a larger length is a damaged or foreign file,
// not a reason to allocate.
const maxHeader = 1 << 20

// tensor is one float32 tensor of a safetensors file.
type tensor struct {
	shape []int
	data  []float32
}

// tensorFile is a safetensors file read whole: its tensors and the string
// metadata of its header.
type tensorFile struct {
	tensors map[string]tensor
	meta    map[string]string
}

// headerEntry is one tensor's description in the header.
type headerEntry struct {
	DType   string  `json:"dtype"`
	Shape   []int   `json:"shape"`
	Offsets []int64 `json:"data_offsets"`
}

// readSafetensors parses a safetensors file: an 8-byte little-endian header
// length, a JSON header, then the data. Only float32 tensors are accepted,
// since that is what the model format stores. Every offset, shape and size
// is checked against the data before anything is read, and tensors may not
// overlap, so a damaged file is an error naming the tensor, never a panic
// or a silently misread weight.
func readSafetensors(b []byte) (*tensorFile, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("safetensors: %d bytes, shorter than the 8-byte header length", len(b))
	}
	n := binary.LittleEndian.Uint64(b[:8])
	if n < 2 || n > maxHeader || n > uint64(len(b)-8) {
		return nil, fmt.Errorf("safetensors: header length %d does not fit (file %d bytes, header at most %d)", n, len(b), maxHeader)
	}
	head, data := b[8:8+n], b[8+n:]
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(head, &raw); err != nil {
		return nil, fmt.Errorf("safetensors: header: %w", err)
	}
	f := &tensorFile{tensors: map[string]tensor{}, meta: map[string]string{}}
	if m, ok := raw["__metadata__"]; ok {
		if err := json.Unmarshal(m, &f.meta); err != nil {
			return nil, fmt.Errorf("safetensors: __metadata__ must map names to strings: %w", err)
		}
		delete(raw, "__metadata__")
	}
	type span struct {
		name       string
		begin, end int64
	}
	spans := make([]span, 0, len(raw))
	for name, r := range raw {
		var e headerEntry
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("safetensors: tensor %q: %w", name, err)
		}
		if e.DType != "F32" {
			return nil, fmt.Errorf("safetensors: tensor %q: dtype %q, want F32", name, e.DType)
		}
		if len(e.Offsets) != 2 {
			return nil, fmt.Errorf("safetensors: tensor %q: data_offsets has %d values, want 2", name, len(e.Offsets))
		}
		count := int64(1)
		for _, d := range e.Shape {
			if d < 0 || d > len(b) {
				return nil, fmt.Errorf("safetensors: tensor %q: impossible shape %v", name, e.Shape)
			}
			count *= int64(d)
			if count > int64(len(b)) {
				return nil, fmt.Errorf("safetensors: tensor %q: shape %v is larger than the file", name, e.Shape)
			}
		}
		begin, end := e.Offsets[0], e.Offsets[1]
		if begin < 0 || end < begin || end > int64(len(data)) {
			return nil, fmt.Errorf("safetensors: tensor %q: data_offsets [%d, %d] outside the %d bytes of data", name, begin, end, len(data))
		}
		if end-begin != 4*count {
			return nil, fmt.Errorf("safetensors: tensor %q: %d bytes for shape %v, want %d", name, end-begin, e.Shape, 4*count)
		}
		vals := make([]float32, count)
		for i := range vals {
			vals[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[begin+4*int64(i):]))
		}
		f.tensors[name] = tensor{shape: e.Shape, data: vals}
		spans = append(spans, span{name, begin, end})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].begin < spans[j].begin })
	for i := 1; i < len(spans); i++ {
		if spans[i].begin < spans[i-1].end {
			return nil, fmt.Errorf("safetensors: tensors %q and %q overlap", spans[i-1].name, spans[i].name)
		}
	}
	return f, nil
}
