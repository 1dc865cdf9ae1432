package local

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/models/hanoitiny"
	"github.com/maker-go/maker/provider"
)

// prompt9 is a Hanoi prompt as models/hanoitiny/prompt.tmpl renders it.
const prompt9 = "9|[1, 0, 2]|[[9, 8, 7, 6, 5, 4, 3, 2], [], [1]]"

// small is a random model big enough to give varied answers.
var small = tiny{D: 16, L: 2, H: 2, T: 96, Seed: 7}

func openBare(t *testing.T, c tiny, opts map[string]string) *Model {
	t.Helper()
	m, err := New(context.Background(), maker.ModelSpec{Name: "local/" + c.path(t), Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestTokenizeHanoiPrompt renders the committed template through the Hanoi
// task and reads it as the trainer's prompt_tokens writes it, first step
// (no previous move) and a later one.
func TestTokenizeHanoiPrompt(t *testing.T) {
	tmpl, err := hanoi.ParseTemplate("prompt.tmpl", hanoitiny.Prompt)
	if err != nil {
		t.Fatal(err)
	}
	task, err := hanoi.New(3)
	if err != nil {
		t.Fatal(err)
	}
	task = task.WithTemplate(tmpl)
	tok := newTokenizer(small.net(t))
	num := func(k int) int { return idNum0 + k }
	state0 := []int{idLB, idLB, num(3), idComma, num(2), idComma, num(1), idRB, idComma, idLB, idRB, idComma, idLB, idRB, idRB}
	state1 := []int{idLB, idLB, num(3), idComma, num(2), idRB, idComma, idLB, idRB, idComma, idLB, num(1), idRB, idRB}
	for _, tc := range []struct {
		name string
		user string
		want []int
	}{
		{"first step", task.Prompt(hanoi.Start(3), "", 0).User, append([]int{num(3), idBar, idNone, idBar}, state0...)},
		{"later step", task.Prompt(mustApply(t, hanoi.Start(3), hanoi.Move{Disk: 1, From: 0, To: 2}), "[1, 0, 2]", 1).User,
			append([]int{num(3), idBar, idLB, num(1), idComma, num(0), idComma, num(2), idRB, idBar}, state1...)},
		{"two-digit numbers", "12|none|[[12, 11, 10], [], []]", []int{num(12), idBar, idNone, idBar, idLB, idLB, num(12), idComma, num(11), idComma, num(10), idRB, idComma, idLB, idRB, idComma, idLB, idRB, idRB}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tok.encode(tc.user)
			if err != nil {
				t.Fatal(err)
			}
			if !equalInts(got, tc.want) {
				t.Fatalf("%q reads as %v, want %v", tc.user, got, tc.want)
			}
		})
	}
}

func mustApply(t *testing.T, s hanoi.State, m hanoi.Move) hanoi.State {
	t.Helper()
	n, err := s.Apply(m)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func equalInts(a, b []int) bool {
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

// TestGreedyMatchesNaive: at temperature 0 the answer is the naive
// network's argmax, token after token, and the usage counts what ran.
func TestGreedyMatchesNaive(t *testing.T) {
	m := openBare(t, small, nil)
	n := m.Net()
	prompt, err := m.tok.encode(prompt9)
	if err != nil {
		t.Fatal(err)
	}
	seq := append(append([]int{n.bos}, prompt...), n.sep)
	p := len(seq)
	var want []int
	for len(want) < 20 {
		lg := naiveLogits(n, seq)
		last := lg[len(lg)-1]
		best := 0
		for i, v := range last {
			if v > last[best] {
				best = i
			}
		}
		want = append(want, best)
		seq = append(seq, best)
		if best == n.eos {
			break
		}
	}
	r, err := m.Generate(context.Background(), maker.Request{Prompt: maker.Prompt{User: prompt9}, MaxTokens: 20})
	if err != nil {
		t.Fatal(err)
	}
	wantFinish, wantText := maker.FinishLength, want
	if want[len(want)-1] == n.eos {
		wantFinish, wantText = maker.FinishStop, want[:len(want)-1]
	}
	if r.Text != m.tok.decode(wantText) || r.Finish != wantFinish {
		t.Fatalf("greedy answer %q (%s), naive %q (%s)", r.Text, r.Finish, m.tok.decode(wantText), wantFinish)
	}
	if r.InputTokens != p || r.OutputTokens != len(want) || r.CachedInputTokens != 0 {
		t.Fatalf("usage in %d (cached %d) out %d, want in %d out %d", r.InputTokens, r.CachedInputTokens, r.OutputTokens, p, len(want))
	}
}

// TestSeededSamples: the seed, the step and the sample index decide a
// sample, whether it comes alone or in a batch and in whatever order;
// another seed or step gives other samples.
func TestSeededSamples(t *testing.T) {
	ctx := context.Background()
	req := maker.Request{Prompt: maker.Prompt{User: prompt9}, Temperature: 1, MaxTokens: 60, Step: 3, Sample: 1}
	texts := func(m *Model, req maker.Request, batch bool) []string {
		t.Helper()
		var out []string
		if batch {
			rs, err := m.GenerateBatch(ctx, req, 6)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				out = append(out, r.Text)
			}
			return out
		}
		out = make([]string, 6)
		var wg sync.WaitGroup
		for i := 5; i >= 0; i-- { // in reverse, concurrently
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				r := req
				r.Sample += i
				got, err := m.Generate(ctx, r)
				if err != nil {
					t.Error(err)
				}
				out[i] = got.Text
			}(i)
		}
		wg.Wait()
		return out
	}
	a := texts(openBare(t, small, map[string]string{"seed": "42"}), req, true)
	b := texts(openBare(t, small, map[string]string{"seed": "42"}), req, false)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("sample %d: batched %q, alone %q", i, a[i], b[i])
		}
	}
	distinct := map[string]bool{}
	for _, s := range a {
		distinct[s] = true
	}
	if len(distinct) < 2 {
		t.Fatalf("six samples at temperature 1 are all %q", a[0])
	}
	other := texts(openBare(t, small, map[string]string{"seed": "43"}), req, true)
	step := req
	step.Step = 4
	nextStep := texts(openBare(t, small, map[string]string{"seed": "42"}), step, true)
	if strings.Join(other, "\x00") == strings.Join(a, "\x00") || strings.Join(nextStep, "\x00") == strings.Join(a, "\x00") {
		t.Fatal("another seed or another step drew the same samples")
	}
}

// TestBatchUsage: a batch reports the prompt once, on its first response;
// a prompt run already counts as cached input; every sampled token counts
// as output, the closing <eos> included, and the token limit cuts an
// answer off at exactly its length.
func TestBatchUsage(t *testing.T) {
	m := openBare(t, small, nil)
	ctx := context.Background()
	req := maker.Request{Prompt: maker.Prompt{User: prompt9}, Temperature: 1, MaxTokens: 40}
	p := len(mustEncode(t, m, prompt9)) + 2
	rs, err := m.GenerateBatch(ctx, req, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rs {
		wantIn := 0
		if i == 0 {
			wantIn = p
		}
		if r.InputTokens != wantIn || r.CachedInputTokens != 0 || r.OutputTokens < 1 || r.OutputTokens > 40 {
			t.Fatalf("response %d: in %d cached %d out %d, want in %d", i, r.InputTokens, r.CachedInputTokens, r.OutputTokens, wantIn)
		}
		if (r.Finish == maker.FinishLength) != (r.OutputTokens == 40) {
			t.Fatalf("response %d: %d output tokens, finish %s", i, r.OutputTokens, r.Finish)
		}
		if r.Latency <= 0 {
			t.Fatalf("response %d: no latency", i)
		}
	}
	r, err := m.Generate(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if r.InputTokens != p || r.CachedInputTokens != p {
		t.Fatalf("second request of the same prompt: in %d cached %d, want %d and %d", r.InputTokens, r.CachedInputTokens, p, p)
	}
}

func mustEncode(t *testing.T, m *Model, s string) []int {
	t.Helper()
	ids, err := m.tok.encode(s)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestFinishLength: an answer stopped by the token limit, or by the end of
// the model's positions, is finish "length", which the engine red-flags.
func TestFinishLength(t *testing.T) {
	short := tiny{D: 8, L: 1, H: 2, T: 40, Seed: 3}
	const rest = -1 // the positions the prompt leaves
	for _, tc := range []struct {
		name      string
		c         tiny
		maxTokens int
		want      int
	}{
		{"token limit", small, 3, 3},
		{"one token", small, 1, 1},
		{"end of positions", short, 0, rest},
		{"limit past the positions", short, 500, rest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := openBare(t, tc.c, nil)
			m.net.eos = -1 // never stops by itself
			if tc.want == rest {
				tc.want = tc.c.T - len(mustEncode(t, m, prompt9)) - 2
			}
			rs, err := m.GenerateBatch(context.Background(), maker.Request{Prompt: maker.Prompt{User: prompt9}, Temperature: 1, MaxTokens: tc.maxTokens}, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				if r.Finish != maker.FinishLength || r.OutputTokens != tc.want {
					t.Fatalf("finish %q after %d tokens, want length after %d", r.Finish, r.OutputTokens, tc.want)
				}
			}
		})
	}
}

// TestBadRequests: what the model cannot read is an error that says why,
// never retried and never a panic.
func TestBadRequests(t *testing.T) {
	m := openBare(t, tiny{D: 8, L: 1, H: 2, T: 30, Seed: 3}, nil)
	long := "9|none|[[" + strings.Repeat("1, ", 40) + "1], [], []]"
	for _, tc := range []struct {
		name string
		req  maker.Request
		n    int
		msg  string
	}{
		{"maker's default prompt", maker.Request{Prompt: maker.Prompt{User: "Follow this procedure exactly:\n- If"}}, 1, `does not tokenise at byte 0 ("Follow this procedure ex…")`},
		{"a word inside", maker.Request{Prompt: maker.Prompt{User: "9|[1, 0, 2]|[[9, 8], x []]"}}, 1, `at byte 21 ("x []]")`},
		{"not UTF-8", maker.Request{Prompt: maker.Prompt{User: "9|\xff"}}, 1, "at byte 2"},
		{"empty", maker.Request{Prompt: maker.Prompt{User: " \n"}}, 1, "the prompt is empty"},
		{"too long", maker.Request{Prompt: maker.Prompt{User: long}}, 1, "and the model has 30 positions"},
		{"negative temperature", maker.Request{Prompt: maker.Prompt{User: prompt9}, Temperature: -1}, 1, "temperature must be 0 or more"},
		{"NaN temperature", maker.Request{Prompt: maker.Prompt{User: prompt9}, Temperature: math.NaN()}, 1, "temperature must be 0 or more"},
		{"negative max tokens", maker.Request{Prompt: maker.Prompt{User: prompt9}, MaxTokens: -1}, 1, "max tokens must not be negative"},
		{"empty batch", maker.Request{Prompt: maker.Prompt{User: prompt9}}, 0, "a batch of 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.GenerateBatch(context.Background(), tc.req, tc.n)
			var pe *provider.Error
			if !errors.As(err, &pe) || pe.Retryable || !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "local/") {
				t.Fatalf("error %v, want a lasting provider error with %q", err, tc.msg)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of more than one line: %q", err)
			}
		})
	}
}

// TestCancel: a cancelled request stops between tokens and returns the
// caller's cancellation.
func TestCancel(t *testing.T) {
	m := openBare(t, tiny{D: 64, L: 4, H: 4, T: 256, Seed: 3}, nil)
	m.net.eos = -1
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := m.GenerateBatch(ctx, maker.Request{Prompt: maker.Prompt{User: prompt9}, Temperature: 1}, 8)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the request went on after its context was cancelled")
	}
}

// TestOpen opens through maker.OpenModel, the stack included, and refuses
// what does not apply to a model in this process.
func TestOpen(t *testing.T) {
	path := small.path(t)
	ctx := context.Background()
	m, err := maker.OpenModel(ctx, maker.ModelSpec{Name: "local/" + path, Options: map[string]string{"seed": "3"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(maker.BatchModel); !ok || maker.IsSimulated(m) {
		t.Fatalf("%T: want a batch model that is not simulated", m)
	}
	if p, ok := provider.ModelPrice("local/" + path); !ok || !p.Zero() {
		t.Fatalf("price %+v %v, want free", p, ok)
	}
	if _, err := m.Generate(ctx, maker.Request{Prompt: maker.Prompt{User: prompt9}, Temperature: 0.5, MaxTokens: 10}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		spec maker.ModelSpec
		msg  string
	}{
		{"unknown model", maker.ModelSpec{Name: "local/no-such-model"}, `no model "no-such-model"`},
		{"missing file", maker.ModelSpec{Name: "local/" + path + ".gone.safetensors"}, "no such file"},
		{"not a model", maker.ModelSpec{Name: "local/" + writeFile(t, "x.safetensors", []byte("not a model"))}, "safetensors: header length"},
		{"endpoint", maker.ModelSpec{Name: "local/" + path, BaseURL: "http://127.0.0.1:1"}, "--base-url does not apply"},
		{"key", maker.ModelSpec{Name: "local/" + path, APIKeyEnv: "KEY"}, "--api-key-env does not apply"},
		{"bad seed", maker.ModelSpec{Name: "local/" + path, Options: map[string]string{"seed": "-1"}}, "option seed"},
		{"unknown option", maker.ModelSpec{Name: "local/" + path, Options: map[string]string{"temperature": "1"}}, `unknown option "temperature" (known: seed)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := maker.OpenModel(ctx, tc.spec)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want %q", err, tc.msg)
			}
		})
	}
}

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// BenchmarkSample draws one 40-token answer to a 9-disk prompt from a model
// of the committed models' shape, alone and three to a batch; the prompt
// is run once and then found in the cache, as for a step's later samples.
func BenchmarkSample(b *testing.B) {
	c := tiny{D: 128, L: 4, H: 4, T: 256, Seed: 1, Scale: 0.1}
	m, err := New(context.Background(), maker.ModelSpec{Name: "local/" + c.path(b)})
	if err != nil {
		b.Fatal(err)
	}
	m.net.eos = -1
	req := maker.Request{Prompt: maker.Prompt{User: prompt9}, Temperature: 1, MaxTokens: 40}
	for _, n := range []int{1, 3} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := m.GenerateBatch(context.Background(), req, n); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*n), "ms/sample")
		})
	}
}

// FuzzEncode feeds arbitrary prompts to the tokenizer: an error, or tokens
// of the vocabulary that write the prompt back as it was read.
func FuzzEncode(f *testing.F) {
	tok := newTokenizer(small.net(f))
	for _, s := range []string{prompt9, "3|none (this is the first move)|[[3, 2, 1], [], []]\n", "", "move = [1, 0, 2]\nnext_state = [[], [], []]", "20|21|\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ids, err := tok.encode(s)
		if err != nil {
			return
		}
		for _, id := range ids {
			if id < 0 || id >= len(tok.vocab) || id == idPad || id == idBOS || id == idSep || id == idEOS {
				t.Fatalf("%q: token %d", s, id)
			}
		}
		want := strings.TrimSpace(strings.ReplaceAll(s, hanoiFirstPrev, "none"))
		if got := tok.decode(ids); got != want {
			t.Fatalf("%q reads as %q", want, got)
		}
	})
}
