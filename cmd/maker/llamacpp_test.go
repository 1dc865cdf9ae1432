package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/openai"
)

// The llama.cpp contract peer: llama.cpp's own llama-server, from Debian
// unstable in a chroot built by .ci/setup.d/llama.sh, serving stories260K, a
// real 260K-parameter model that writes children's stories and cannot do
// any of maker's tasks. Its answers are genuine model output: wrong,
// unparseable and cut off at the token limit.
const (
	llamaModel = "/models/stories260K.gguf" // inside the chroot
	// llamaMaxTokens keeps the hanoi prompt (about 900 tokens) and its answer
	// within a slot's share of the context.
	llamaMaxTokens = 40
)

func llamaChroot() string {
	if d := os.Getenv("LLAMA_CHROOT"); d != "" {
		return d
	}
	return "/opt/llama-sid"
}

// startLlamaServer starts llama-server on a free loopback port and returns
// its /v1 base URL. It skips the test when the chroot is not installed.
func startLlamaServer(t *testing.T) string {
	t.Helper()
	root := llamaChroot()
	for _, p := range []string{root + "/usr/bin/llama-server", root + llamaModel} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("llama.cpp contract peer not installed (%v): run .ci/setup.d/llama.sh as root", err)
		}
	}
	chroot, err := exec.LookPath("chroot")
	if err != nil {
		t.Skipf("llama.cpp contract peer: no chroot command: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	// The context is shared by the server's four slots: at 1024 tokens two
	// hanoi prompts at once do not fit (the server answers 500), and with
	// one slot it refuses n>1 (400), so each slot is given about 1024.
	// One thread (-t 1, -tb 1): the model is tiny, and llama.cpp's threads
	// wait on each other by spinning, which on a machine with more busy
	// threads than cores (two servers side by side, other tests, stress)
	// turned seconds into minutes.
	cmd := exec.Command(chroot, root, "llama-server", "-m", llamaModel,
		"--host", "127.0.0.1", "--port", strconv.Itoa(port), "-c", "4096", "-t", "1", "-tb", "1")
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Skipf("llama.cpp contract peer: cannot start llama-server (chroot needs root): %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("llama-server exited: %v\n%s", err, out.String())
		default:
		}
		if resp, err := http.Get(base + "/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base + "/v1"
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("llama-server not healthy on %s after 30s\n%s", base, out.String())
		}
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// chatReply is the part of a chat-completions reply the wire checks read.
type chatReply struct {
	Choices []struct {
		Message      struct{ Content string } `json:"message"`
		FinishReason string                   `json:"finish_reason"`
	} `json:"choices"`
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
}

func chat(t *testing.T, base string, body map[string]any) (*http.Response, []byte) {
	t.Helper()
	req := map[string]any{"model": "stories260K", "messages": []map[string]string{{"role": "user", "content": "Which disk moves next?"}}}
	for k, v := range body {
		req[k] = v
	}
	b, _ := json.Marshal(req)
	resp, err := http.Post(base+"/chat/completions", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, raw
}

func decodeReply(t *testing.T, raw []byte) chatReply {
	t.Helper()
	var r chatReply
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("reply %.300s: %v", raw, err)
	}
	return r
}

// recorder keeps every response the model gave.
type recorder struct {
	m    maker.Model
	mu   sync.Mutex
	seen []maker.Response
}

func (r *recorder) Generate(ctx context.Context, req maker.Request) (maker.Response, error) {
	resp, err := r.m.Generate(ctx, req)
	if err == nil {
		r.mu.Lock()
		r.seen = append(r.seen, resp)
		r.mu.Unlock()
	}
	return resp, err
}

func TestLlamaCppContract(t *testing.T) {
	t.Parallel() // a llama-server of its own, on a port of its own
	base := startLlamaServer(t)

	// What the openai adapter relies on, checked on the wire.
	t.Run("wire", func(t *testing.T) {
		const max = 8
		// n: honoured, each choice cut at the limit with finish_reason length.
		_, raw := chat(t, base, map[string]any{"n": 3, "max_tokens": max, "temperature": 1.0})
		r := decodeReply(t, raw)
		if len(r.Choices) != 3 {
			t.Fatalf("n=3: %d choices: %.300s", len(r.Choices), raw)
		}
		for i, c := range r.Choices {
			if c.FinishReason != "length" {
				t.Errorf("choice %d: finish_reason %q at max_tokens %d, want length", i, c.FinishReason, max)
			}
		}
		// Usage with n>1 counts one choice's tokens, not all of them: the
		// adapter shares completion_tokens out among the choices, so a
		// batched request would under-count. The preset must not batch.
		t.Logf("n=3 at max_tokens %d: usage %+v", max, r.Usage)
		if r.Usage.PromptTokens <= 0 || r.Usage.CompletionTokens <= 0 {
			t.Errorf("usage %+v, want both counts positive", r.Usage)
		}
		if p, _ := openai.PresetFor("llamacpp"); r.Usage.CompletionTokens < 3*max && p.Batch {
			t.Errorf("llama-server reports %d completion tokens for 3 choices of %d: the llamacpp preset must not send n>1", r.Usage.CompletionTokens, max)
		}
		// No seed (the adapter sends none): repeated samples differ, as
		// independent votes must. With a seed they repeat.
		texts := map[string]bool{}
		for range 3 {
			_, raw := chat(t, base, map[string]any{"max_tokens": 16, "temperature": 1.0})
			texts[decodeReply(t, raw).Choices[0].Message.Content] = true
		}
		if len(texts) < 2 {
			t.Errorf("three unseeded samples at temperature 1 were all the same: %v", texts)
		}
		seeded := map[string]bool{}
		for range 2 {
			_, raw := chat(t, base, map[string]any{"max_tokens": 16, "temperature": 1.0, "seed": 42})
			seeded[decodeReply(t, raw).Choices[0].Message.Content] = true
		}
		t.Logf("seed 42 twice gives %d distinct answer(s); unseeded, 3 samples give %d", len(seeded), len(texts))
		// Streaming: the adapter does not stream; a plain request gets one
		// JSON body, a streamed one server-sent events.
		resp, raw := chat(t, base, map[string]any{"max_tokens": 4, "stream": true})
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
			t.Errorf("stream: content type %q, want text/event-stream", ct)
		}
		events := 0
		for sc := bufio.NewScanner(bytes.NewReader(raw)); sc.Scan(); {
			if strings.HasPrefix(sc.Text(), "data: ") {
				events++
			}
		}
		t.Logf("stream: %d events for 4 tokens", events)
	})

	// The adapter on a short Hanoi: every answer is a story cut at the
	// limit, so every sample is red-flagged and no step is decided.
	t.Run("adapter", func(t *testing.T) {
		m, err := maker.OpenModel(context.Background(), maker.ModelSpec{Name: "llamacpp/stories260K", BaseURL: base, Timeout: 2 * time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		rec := &recorder{m: m}
		task, _ := hanoi.New(3)
		// Generous limits: on a machine loaded several times over one
		// story can take tens of seconds; they only keep a hang finite.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		res, err := maker.Run(ctx, task, rec, maker.Config{K: 2, MaxSamples: 4, MaxTokens: llamaMaxTokens})
		var nc *maker.NoConsensusError
		if !errors.As(err, &nc) {
			t.Fatalf("err = %v, want no consensus", err)
		}
		s := res.Summary
		truncated := 0
		for i, r := range rec.seen {
			if r.Finish == maker.FinishLength {
				truncated++
			}
			if r.Latency <= 0 || r.OutputTokens <= 0 {
				t.Errorf("response %d: latency %s, %d output tokens", i, r.Latency, r.OutputTokens)
			}
		}
		t.Logf("adapter: %d samples, flagged %v, %d in (%d cached), %d out; %d responses cut at the limit",
			s.Samples, s.Flagged, s.InputTokens, s.CachedInputTokens, s.OutputTokens, truncated)
		if len(rec.seen) != 4 || s.Samples != 4 || nc.Samples != 4 || nc.Flagged != 4 {
			t.Errorf("%d responses, %d samples, error %v; want 4 samples all flagged", len(rec.seen), s.Samples, nc)
		}
		if truncated == 0 || s.Flagged["truncated"] != int64(truncated) {
			t.Errorf("%d responses with finish_reason length, flagged %v: each must count as truncated", truncated, s.Flagged)
		}
		if s.InputTokens <= 0 || s.OutputTokens <= 0 || rec.seen[0].InputTokens <= 0 {
			t.Errorf("usage not read: %d in, %d out", s.InputTokens, s.OutputTokens)
		}
	})

	t.Run("maker hanoi", func(t *testing.T) {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"hanoi", "--disks", "3", "--k", "2", "--max-samples", "4",
			"--max-tokens", strconv.Itoa(llamaMaxTokens), "--model", "llamacpp/stories260K", "--base-url", base,
			"--json", "--no-journal", "-q"}, &out, &errb)
		msg := strings.TrimSpace(errb.String())
		t.Logf("exit %d: %s", code, msg)
		if code != exitFailed || strings.Contains(msg, "\n") || !strings.Contains(msg, "no candidate ahead by 2 after 4 samples (4 flagged)") {
			t.Errorf("exit %d, stderr %q; want exit %d and one line saying no consensus", code, msg, exitFailed)
		}
		var sum struct {
			Samples      int            `json:"samples"`
			Flagged      map[string]int `json:"flagged"`
			InputTokens  int            `json:"input_tokens"`
			OutputTokens int            `json:"output_tokens"`
			StopReason   string         `json:"stop_reason"`
			ValidVotes   int            `json:"valid_votes"`
		}
		if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
			t.Fatalf("summary %q: %v", out.String(), err)
		}
		flagged := 0
		for _, n := range sum.Flagged {
			flagged += n
		}
		if sum.Samples != 4 || flagged != 4 || sum.ValidVotes != 0 || sum.StopReason != "no consensus" {
			t.Errorf("summary: %d samples, flagged %v, %d valid votes, stop %q", sum.Samples, sum.Flagged, sum.ValidVotes, sum.StopReason)
		}
		if sum.InputTokens <= 0 || sum.OutputTokens <= 0 {
			t.Errorf("summary usage %d in, %d out", sum.InputTokens, sum.OutputTokens)
		}
	})

	t.Run("maker calibrate", func(t *testing.T) {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"calibrate", "--task", "hanoi", "--disks", "3", "--samples", "4", "--per-step", "2",
			"--max-tokens", strconv.Itoa(llamaMaxTokens), "--model", "llamacpp/stories260K", "--base-url", base, "--json"}, &out, &errb)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		var rep struct {
			ErrorRate struct {
				Value float64 `json:"value"`
				N     int     `json:"n"`
			} `json:"error_rate"`
			V     float64                   `json:"v"`
			Plans map[string]map[string]any `json:"plans"`
		}
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("report %q: %v", out.String(), err)
		}
		t.Logf("calibrate: error rate %g over %d samples, v %g, plans %v", rep.ErrorRate.Value, rep.ErrorRate.N, rep.V, rep.Plans)
		if p := 1 - rep.ErrorRate.Value; rep.ErrorRate.N != 4 || p > 0.01 {
			t.Errorf("measured p = %g over %d samples, want about 0", p, rep.ErrorRate.N)
		}
		for _, name := range []string{"measured", "pessimistic"} {
			msg, _ := rep.Plans[name]["error"].(string)
			if !strings.Contains(msg, "voting cannot help") || rep.Plans[name]["k_min"] != nil {
				t.Errorf("plan %s: %v; want a refusal saying voting cannot help", name, rep.Plans[name])
			}
		}
	})
}
