// Package local is the provider of models that run inside maker's own
// process, in plain Go: no Python, no server, no network and no key. A model
// is named local/NAME, where NAME is one of the small transformers committed
// under models/hanoitiny/ (and carried inside the binary), or the path of a
// weight file of the same format ending in .safetensors. Importing the
// package registers the prefix:
//
//	import _ "github.com/maker-go/maker/local"
//	m, err := maker.OpenModel(ctx, maker.ModelSpec{Name: "local/NAME",
//		Options: map[string]string{"seed": "7"}})
//
// The models read only their own vocabulary, so a Hanoi run gives them the
// compact prompt of models/hanoitiny/prompt.tmpl (`maker hanoi --prompt-file
// models/hanoitiny/prompt.tmpl`); a prompt that does not tokenise is an
// error. A request runs the prompt once, keeping its keys and values (a KV
// cache), and samples n continuations from it, each from its own random
// stream: the seed, the model's weights, the step and the sample index
// decide every token, so a seeded run is reproducible whatever the timing and
// whether samples came in one batch or one by one. Usage is counted
// honestly: the prompt's tokens in, every sampled token out, and a prompt
// already run for an earlier sample of the step counts as cached input.
package local

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/fileio"
	"github.com/maker-go/maker/models/hanoitiny"
	"github.com/maker-go/maker/provider"
)

// Prefix is the provider's prefix in model names.
const Prefix = "local"

// maxFile bounds a weight file read from disk: the committed models are at
// most 5 MB, and a model in this format that is far larger would be too
// slow to run here anyway.
const maxFile = 256 << 20

func init() {
	provider.Register(provider.Description{Prefix: Prefix, Local: true, About: about()}, Open)
}

func about() string {
	names := hanoitiny.Names()
	if len(names) == 0 {
		return "models run in this process (a .safetensors path; none is committed)"
	}
	return "models run in this process: " + strings.Join(names, ", ")
}

// options are the settings a local model takes from [maker.ModelSpec.Options].
var options = map[string]string{
	"seed": "seed of the sampling, mixed with the model's weights, the step and the sample index",
}

// Model is a local model: a loaded network and its sampling seed. It is
// safe for concurrent use.
type Model struct {
	name string
	net  *Net
	tok  *tokenizer
	seed uint64
	info provider.Info
	// caches recycles full-length KV caches between requests.
	caches sync.Pool
	// prompts keeps the last few prompts' KV caches: a step's later samples
	// ask again with the same prompt.
	prompts promptCache
}

var _ maker.BatchModel = (*Model)(nil)

// Open opens local/NAME through the shared provider stack, as
// [maker.OpenModel] does. spec.Options may set "seed" (default 1, the
// command line's --seed). An endpoint or key variable is an error, since
// the model runs here.
func Open(ctx context.Context, spec maker.ModelSpec) (maker.Model, error) {
	m, err := New(ctx, spec)
	if err != nil {
		return nil, err
	}
	return provider.Open(m, spec, m.info)
}

// New opens the bare model, without the provider stack.
func New(ctx context.Context, spec maker.ModelSpec) (*Model, error) {
	prefix, name, err := spec.Split()
	if err != nil {
		return nil, err
	}
	if prefix != Prefix {
		return nil, fmt.Errorf("model %q: not a %s/ model", spec.Name, Prefix)
	}
	if spec.BaseURL != "" {
		return nil, fmt.Errorf("--base-url does not apply to %s: it runs in this process", spec.Name)
	}
	if spec.APIKeyEnv != "" {
		return nil, fmt.Errorf("--api-key-env does not apply to %s: it needs no key", spec.Name)
	}
	seed := uint64(1)
	for k, v := range spec.Options {
		switch k {
		case "seed":
			if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
				return nil, fmt.Errorf("%s: option seed: want a whole number from 0 to %d, got %q", spec.Name, uint64(math.MaxUint64), v)
			}
		default:
			return nil, provider.UnknownOption(Prefix, k, options)
		}
	}
	net, err := load(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", spec.Name, err)
	}
	return &Model{
		name: name, net: net, tok: newTokenizer(net),
		seed: mix(seed, net.sum),
		info: provider.Info{Provider: Prefix, Model: name},
	}, nil
}

var loaded struct {
	mu   sync.Mutex
	nets map[string]*Net
}

// load returns the network of a committed model, or of a weight file when
// name ends in .safetensors. A committed model is parsed once per process:
// every run and every member of an ensemble shares its read-only weights.
func load(ctx context.Context, name string) (*Net, error) {
	if strings.HasSuffix(name, ".safetensors") {
		b, err := fileio.ReadCapped(ctx, name, maxFile)
		if err != nil {
			return nil, err
		}
		return LoadNet(b)
	}
	loaded.mu.Lock()
	defer loaded.mu.Unlock()
	if n, ok := loaded.nets[name]; ok {
		return n, nil
	}
	b, ok := hanoitiny.Weights(name)
	if !ok {
		known := hanoitiny.Names()
		if len(known) == 0 {
			return nil, fmt.Errorf("no model %q: none is committed under models/hanoitiny; give the path of a .safetensors file", name)
		}
		return nil, fmt.Errorf("no model %q (known: %s; or the path of a .safetensors file)", name, strings.Join(known, ", "))
	}
	n, err := LoadNet(b)
	if err != nil {
		return nil, err
	}
	if loaded.nets == nil {
		loaded.nets = map[string]*Net{}
	}
	loaded.nets[name] = n
	return n, nil
}

// Net is the model's network.
func (m *Model) Net() *Net { return m.net }

// String names the model.
func (m *Model) String() string { return Prefix + "/" + m.name }

// Generate implements [maker.Model].
func (m *Model) Generate(ctx context.Context, req maker.Request) (maker.Response, error) {
	rs, err := m.GenerateBatch(ctx, req, 1)
	if err != nil {
		return maker.Response{}, err
	}
	return rs[0], nil
}

// fail is an error of this model that no retry can fix.
func (m *Model) fail(format string, args ...any) error {
	return &provider.Error{Info: m.info, Message: fmt.Sprintf(format, args...)}
}

// GenerateBatch implements [maker.BatchModel]: the prompt runs once, then
// n continuations are sampled in step, each continuation i from the
// random stream of sample req.Sample+i. A continuation ends at <eos>
// (finish "stop"), or at the token limit or the end of the model's
// positions (finish "length", which the engine red-flags). The input
// tokens are reported on the first response only.
func (m *Model) GenerateBatch(ctx context.Context, req maker.Request, n int) ([]maker.Response, error) {
	start := time.Now()
	if n < 1 {
		return nil, m.fail("a batch of %d completions", n)
	}
	if t := req.Temperature; math.IsNaN(t) || t < 0 || math.IsInf(t, 0) {
		return nil, m.fail("temperature must be 0 or more, got %g", t)
	}
	if req.MaxTokens < 0 {
		return nil, m.fail("max tokens must not be negative, got %d", req.MaxTokens)
	}
	ids, err := m.tok.encode(req.User)
	if err != nil {
		return nil, m.fail("%v", err)
	}
	net := m.net
	prompt := make([]int, 0, len(ids)+2)
	prompt = append(append(append(prompt, net.bos), ids...), net.sep)
	p := len(prompt)
	room := net.T - p
	if room < 1 {
		return nil, m.fail("the prompt is %d tokens, and the model has %d positions", p, net.T)
	}
	if req.MaxTokens > 0 {
		room = min(room, req.MaxTokens)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ws := &workspace{}
	pre, cached := m.prefill(ws, prompt)

	seqs := make([]*kvCache, n)
	rngs := make([]*rand.Rand, n)
	out := make([][]int, n)
	finish := make([]maker.FinishReason, n)
	next := make([]int, n)
	base := mix(m.seed, uint64(req.Step))
	for i := range seqs {
		seqs[i] = m.cache()
		seqs[i].copyPrefix(pre.c, p, net.D)
		rngs[i] = rand.New(rand.NewPCG(base, uint64(req.Sample+i)))
		next[i] = sample(pre.logits, req.Temperature, rngs[i])
	}
	defer func() {
		for _, c := range seqs {
			m.caches.Put(c)
		}
	}()
	active := make([]int, n)
	for i := range active {
		active[i] = i
	}
	rows := make([]row, 0, n)
	for {
		rows = rows[:0]
		still := active[:0]
		for _, i := range active {
			out[i] = append(out[i], next[i])
			switch {
			case next[i] == net.eos:
				finish[i] = maker.FinishStop
			case len(out[i]) >= room:
				finish[i] = maker.FinishLength
			default:
				rows = append(rows, row{c: seqs[i], pos: p + len(out[i]) - 1, tok: next[i]})
				still = append(still, i)
			}
		}
		active = still
		if len(active) == 0 {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		logits := net.forward(ws, rows, 0)
		for r, i := range active {
			next[i] = sample(logits[r*net.V:(r+1)*net.V], req.Temperature, rngs[i])
		}
	}

	lat := time.Since(start)
	rs := make([]maker.Response, n)
	for i := range rs {
		toks := out[i]
		if finish[i] == maker.FinishStop {
			toks = toks[:len(toks)-1]
		}
		rs[i] = maker.Response{Text: m.tok.decode(toks), OutputTokens: len(out[i]), Finish: finish[i], Latency: lat}
		if i == 0 {
			rs[i].InputTokens = p
			if cached {
				rs[i].CachedInputTokens = p
			}
		}
		if err := provider.CheckUsage(m.info, int64(rs[i].InputTokens), int64(rs[i].CachedInputTokens), int64(rs[i].OutputTokens)); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

// cache returns a full-length KV cache, recycled when one is free.
func (m *Model) cache() *kvCache {
	if c, ok := m.caches.Get().(*kvCache); ok {
		return c
	}
	return m.net.newCache()
}

// prefilled is a prompt run through the network: its keys and values and
// the logits of its last position. It is read-only once made.
type prefilled struct {
	key    string
	c      *kvCache
	logits []float32
}

// promptCache keeps the last few prompts run, most recent last.
type promptCache struct {
	mu      sync.Mutex
	entries []*prefilled
}

// promptCacheSize is how many prompts are kept: the steps that may be
// voting at once, speculated ones included.
const promptCacheSize = 16

// prefill runs a prompt, or finds it run already; cached reports which.
func (m *Model) prefill(ws *workspace, prompt []int) (*prefilled, bool) {
	var kb strings.Builder
	for _, id := range prompt {
		kb.WriteString(strconv.Itoa(id))
		kb.WriteByte(',')
	}
	key := kb.String()
	pc := &m.prompts
	pc.mu.Lock()
	for i, e := range pc.entries {
		if e.key == key {
			pc.entries = append(append(pc.entries[:i:i], pc.entries[i+1:]...), e)
			pc.mu.Unlock()
			return e, true
		}
	}
	pc.mu.Unlock()

	net := m.net
	c := &kvCache{k: make([][]float32, net.L), v: make([][]float32, net.L)}
	for l := range c.k {
		c.k[l] = make([]float32, len(prompt)*net.D)
		c.v[l] = make([]float32, len(prompt)*net.D)
	}
	rows := make([]row, len(prompt))
	for i, id := range prompt {
		rows[i] = row{c: c, pos: i, tok: id}
	}
	logits := net.forward(ws, rows, len(prompt)-1)
	e := &prefilled{key: key, c: c, logits: append([]float32(nil), logits...)}
	pc.mu.Lock()
	pc.entries = append(pc.entries, e)
	if len(pc.entries) > promptCacheSize {
		pc.entries = append(pc.entries[:0:0], pc.entries[len(pc.entries)-promptCacheSize:]...)
	}
	pc.mu.Unlock()
	return e, false
}

// sample draws a token from logits at a temperature; 0 takes the most
// likely token (the first of equals).
func sample(logits []float32, temp float64, rng *rand.Rand) int {
	best := 0
	for i, v := range logits {
		if v > logits[best] {
			best = i
		}
	}
	if temp == 0 {
		return best
	}
	mx := float64(logits[best])
	var sum float64
	probs := make([]float64, len(logits))
	for i, v := range logits {
		probs[i] = math.Exp((float64(v) - mx) / temp)
		sum += probs[i]
	}
	u := rng.Float64() * sum
	for i, p := range probs {
		if u < p {
			return i
		}
		u -= p
	}
	return best // u fell past the end by rounding
}

// mix hashes values into one seed (splitmix64 steps).
func mix(xs ...uint64) uint64 {
	h := uint64(0x9e3779b97f4a7c15)
	for _, x := range xs {
		h ^= x
		h += 0x9e3779b97f4a7c15
		h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9
		h = (h ^ (h >> 27)) * 0x94d049bb133111eb
		h ^= h >> 31
	}
	return h
}

// Info describes a committed model, for `maker models local`.
type Info struct {
	Name    string `json:"name"`
	Params  int    `json:"params"`
	DModel  int    `json:"d_model"`
	Layers  int    `json:"n_layer"`
	Heads   int    `json:"n_head"`
	MaxLen  int    `json:"max_len"`
	Seed    string `json:"seed,omitempty"`
	Steps   string `json:"train_steps,omitempty"`
	CPUMin  string `json:"train_cpu_minutes,omitempty"`
	HeldOut string `json:"held_out,omitempty"`
}

// Committed describes the models committed under models/hanoitiny, which
// local/NAME runs by name.
func Committed(ctx context.Context) ([]Info, error) {
	var out []Info
	for _, name := range hanoitiny.Names() {
		n, err := load(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("model %s/%s: %w", Prefix, name, err)
		}
		out = append(out, Info{Name: Prefix + "/" + name, Params: n.Params(), DModel: n.D, Layers: n.L, Heads: n.H, MaxLen: n.T,
			Seed: n.Meta("seed"), Steps: n.Meta("train_steps"), CPUMin: n.Meta("train_cpu_minutes"), HeldOut: n.Meta("held_out")})
	}
	return out, nil
}
