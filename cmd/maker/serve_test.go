package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/events"
	"github.com/maker-go/maker/internal/slowloris"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/server"
	"github.com/maker-go/maker/sim"
	"github.com/maker-go/maker/sqlite"
)

// serviceCase is a run made both with the command line and through the
// API: args are the task command and its own flags (they become the
// description's params through the journal), settings the run flags.
type serviceCase struct {
	name     string
	args     []string
	settings map[string]string
}

// serviceCases are eight simulated runs of different kinds.
var serviceCases = []serviceCase{
	{"hanoi", []string{"hanoi", "--disks", "7"}, map[string]string{"k": "2", "sim-error": "0.05", "seed": "3"}},
	{"hanoi followed", []string{"hanoi", "--disks", "8"}, map[string]string{"sim-error": "0.02", "sim-latency": "2ms"}},
	{"hanoi cancelled", []string{"hanoi", "--disks", "9"}, map[string]string{"k": "3", "sim-error": "0.1", "sim-latency": "2ms", "seed": "7"}},
	{"sudoku", []string{"sudoku", "--blanks", "30"}, map[string]string{"k": "2"}},
	{"cube", []string{"cube", "--no-optimal"}, map[string]string{"sim-error": "0.05"}},
	{"run", []string{"run", "../../examples/yaml/running-sum.yaml"}, map[string]string{"k": "2"}},
	{"scenario deps", []string{"scenario", "deps", "--size", "30"}, map[string]string{"sim-error": "0.05"}},
	{"scenario interview", []string{"scenario", "interview", "--size", "30"}, map[string]string{"k": "2"}},
}

// cliRun makes c with the command line, journaled in path, and returns the
// run as journaled.
func cliRun(t *testing.T, path string, c serviceCase) *maker.RunRecord {
	t.Helper()
	args := append([]string{}, c.args...)
	for name, v := range c.settings {
		args = append(args, "--"+name, v)
	}
	args = append(args, "--db", path, "--json", "-q")
	var out, errb bytes.Buffer
	if code := run(context.Background(), args, &out, &errb); code != 0 {
		t.Fatalf("maker %v: exit %d\n%s", args, code, errb.String())
	}
	var sum struct {
		RunID string `json:"run_id"`
	}
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
		t.Fatalf("maker %v: %v", args, err)
	}
	db, err := sqlite.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := db.Run(context.Background(), sum.RunID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// description is the API's description of the run c made with the CLI.
func description(c serviceCase, cli *maker.RunRecord) runs.Description {
	d := runs.Spec{Kind: cli.Kind, Params: cli.Params}
	for name, v := range c.settings {
		b, _ := json.Marshal(v)
		if err := d.Settings.Set(name, b); err != nil {
			panic(err)
		}
	}
	return d
}

// testService is a service on loopback over a fresh journal.
type testService struct {
	t    *testing.T
	url  string
	db   string
	mgr  *runs.Manager
	http *httptest.Server
}

func startTestService(t *testing.T, path string) *testService {
	t.Helper()
	met := server.NewMetrics(prometheus.NewRegistry())
	mgr, err := runs.New(context.Background(), path, &runs.Runner{}, runs.Options{OnStep: met.OnStep})
	if err != nil {
		t.Fatal(err)
	}
	met.SetManager(mgr)
	srv := server.New(server.Config{Manager: mgr, Metrics: met})
	hs := httptest.NewServer(srv)
	s := &testService{t: t, url: hs.URL, db: path, mgr: mgr, http: hs}
	t.Cleanup(func() {
		srv.StopStreams()
		hs.Close()
		mgr.Shutdown(context.Background())
	})
	return s
}

// do sends a JSON request and decodes the answer into out.
func (s *testService) do(method, path string, body any, out any) int {
	s.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.url+path, r)
	if err != nil {
		s.t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			s.t.Fatalf("%s %s: %d %v in %q", method, path, res.StatusCode, err, b)
		}
	}
	return res.StatusCode
}

// wait polls run id until it is not running, and returns it.
func (s *testService) wait(id string, within time.Duration) runs.Info {
	s.t.Helper()
	deadline := time.Now().Add(within)
	for {
		var in runs.Info
		if code := s.do("GET", "/v1/runs/"+id, nil, &in); code != 200 {
			s.t.Fatalf("GET run %s: %d", id, code)
		}
		if !in.Live && in.Status != maker.StatusRunning {
			return in
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("run %s still %s after %v (%d steps)", id, in.Status, within, in.Steps)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// follow reads a run's event stream from after, until it ends or stop
// steps have been read (stop 0: to the end). It returns the events and
// whether the stream ended.
func follow(t *testing.T, url string, after, stop int) ([]events.Event, bool) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if after > 0 {
		req.Header.Set("Last-Event-ID", strconv.Itoa(after))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, res.Header.Get("Content-Type"))
	}
	var (
		got         []events.Event
		event, id   string
		data        []byte
		sc          = bufio.NewScanner(res.Body)
		lastEventID = after
	)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			switch event {
			case "end":
				return got, true
			case "step":
				var ev events.Event
				if err := json.Unmarshal(data, &ev); err != nil {
					t.Fatalf("event data %q: %v", data, err)
				}
				if strconv.Itoa(ev.Step) != id || ev.Step != lastEventID+1 {
					t.Fatalf("event id %s for step %d after %d", id, ev.Step, lastEventID)
				}
				lastEventID = ev.Step
				got = append(got, ev)
				if stop > 0 && len(got) >= stop {
					return got, false
				}
			}
			event, id, data = "", "", nil
		case strings.HasPrefix(line, "event: "):
			event = line[len("event: "):]
		case strings.HasPrefix(line, "id: "):
			id = line[len("id: "):]
		case strings.HasPrefix(line, "data: "):
			data = append(data, line[len("data: "):]...)
		}
	}
	return got, false
}

// sameSummary compares what two runs of the same simulated task must share.
func sameSummary(t *testing.T, name string, a, b *maker.Summary) {
	t.Helper()
	type counts struct {
		Success, Done                    bool
		Steps, TotalSteps, K, WrongSteps int
		Samples, ValidVotes, WinnerVotes int64
		Flagged                          map[maker.Flag]int64
		InputTokens, OutputTokens        int64
		VotesHistogram                   maker.Histogram
	}
	// Speculation's thrown-away samples depend on timing; the decided run
	// does not.
	pick := func(s *maker.Summary) counts {
		return counts{s.Success, s.Done, s.Steps, s.TotalSteps, s.K, s.WrongSteps, s.Samples - s.Wasted, s.ValidVotes, s.WinnerVotes,
			s.Flagged, s.InputTokens - s.WastedInputTokens, s.OutputTokens - s.WastedOutputTokens, s.VotesHistogram}
	}
	if ca, cb := pick(a), pick(b); !reflect.DeepEqual(ca, cb) {
		t.Errorf("%s: summaries differ:\nAPI %+v\nCLI %+v", name, ca, cb)
	}
}

func summaryOf(t *testing.T, path, id string) *maker.Summary {
	t.Helper()
	db, err := sqlite.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := db.Summary(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestServiceRuns drives the API end to end on loopback: eight simulated
// runs of different kinds submitted at once, one followed over SSE with a
// reconnection, one cancelled and resumed, and every run's decided steps
// and summary equal to the same run made with the command line.
func TestServiceRuns(t *testing.T) {
	t.Parallel() // a service and journals of its own
	dir := t.TempDir()
	cliDB := filepath.Join(dir, "cli.db")
	cli := make([]*maker.RunRecord, len(serviceCases))
	for i, c := range serviceCases {
		cli[i] = cliRun(t, cliDB, c)
	}
	s := startTestService(t, filepath.Join(dir, "service.db"))

	ids := make([]string, len(serviceCases))
	var wg sync.WaitGroup
	for i, c := range serviceCases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var res struct{ ID string }
			if code := s.do("POST", "/v1/runs", description(c, cli[i]), &res); code != http.StatusCreated {
				t.Errorf("%s: POST /v1/runs: %d", c.name, code)
			}
			ids[i] = res.ID
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	followed, cancelled := ids[1], ids[2]

	// Cancel one part way, then resume it.
	var stopped runs.Info
	for {
		var in runs.Info
		s.do("GET", "/v1/runs/"+cancelled, nil, &in)
		if in.Steps > 20 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code := s.do("POST", "/v1/runs/"+cancelled+"/cancel", nil, &stopped); code != 200 {
		t.Fatalf("cancel: %d", code)
	}
	if stopped.Status != maker.StatusInterrupted || stopped.Live || stopped.Steps >= stopped.TotalSteps {
		t.Fatalf("cancelled run: status %s, live %v, %d of %d steps", stopped.Status, stopped.Live, stopped.Steps, stopped.TotalSteps)
	}
	if code := s.do("POST", "/v1/runs/"+cancelled+"/cancel", nil, nil); code != http.StatusConflict {
		t.Errorf("cancel of a stopped run: %d, want 409", code)
	}
	if code := s.do("POST", "/v1/runs/"+cancelled+"/resume", nil, nil); code != http.StatusAccepted {
		t.Fatalf("resume: %d", code)
	}

	// Follow one over SSE, reconnecting once with Last-Event-ID.
	evURL := s.url + "/v1/runs/" + followed + "/events"
	first, ended := follow(t, evURL, 0, 40)
	if ended || len(first) != 40 {
		t.Fatalf("first connection: %d events, ended %v", len(first), ended)
	}
	rest, ended := follow(t, evURL, first[len(first)-1].Step, 0)
	if !ended {
		t.Fatal("the stream did not end with the run")
	}
	streamed := append(first, rest...)

	for i, c := range serviceCases {
		in := s.wait(ids[i], 2*time.Minute)
		if in.Status != maker.StatusDone {
			t.Errorf("%s: status %s", c.name, in.Status)
		}
		want := loadSteps(t, cliDB, cli[i].ID)
		got := loadSteps(t, s.db, ids[i])
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d steps through the API, %d with the CLI; first difference at %d", c.name, len(got), len(want), firstDiff(got, want))
		}
		if ids[i] != cancelled { // a resumed run's summary adds its sessions' cancelled samples
			sameSummary(t, c.name, summaryOf(t, s.db, ids[i]), summaryOf(t, cliDB, cli[i].ID))
		}
		if ids[i] == followed {
			if len(streamed) != len(want) {
				t.Fatalf("streamed %d steps, the run has %d", len(streamed), len(want))
			}
			for j, ev := range streamed {
				if ev.Action != want[j].Action || ev.Key != want[j].Key {
					t.Fatalf("streamed step %d: %q, journal %q", j+1, ev.Action, want[j].Action)
				}
			}
		}
	}

	// A finished run's stream is its journal, from where the client was.
	late, ended := follow(t, evURL, 100, 0)
	if !ended || len(late) != len(streamed)-100 || late[0].Step != 101 {
		t.Fatalf("stream of a finished run after step 100: %d events (ended %v)", len(late), ended)
	}

	var list struct {
		Runs  []runs.Info `json:"runs"`
		Total int         `json:"total"`
	}
	if s.do("GET", "/v1/runs?kind=hanoi&limit=2", nil, &list); list.Total != 3 || len(list.Runs) != 2 {
		t.Errorf("list kind=hanoi limit=2: %d of %d", len(list.Runs), list.Total)
	}
	var metrics bytes.Buffer
	res, err := http.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(&metrics, res.Body)
	res.Body.Close()
	for _, want := range []string{`maker_runs{status="done"} 8`, "maker_samples_total", `maker_http_request_duration_seconds_count{code="201",route="/v1/runs"} 8`} {
		if !strings.Contains(metrics.String(), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// liveServe is serve() running in this process on a free loopback port.
type liveServe struct {
	url, token string
	cancel     context.CancelFunc // the SIGTERM
	done       chan error
	log        *syncBuffer
}

func startLiveServe(t *testing.T, path, token string, to server.Timeouts) *liveServe {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &liveServe{token: token, cancel: cancel, done: make(chan error, 1), log: &syncBuffer{}}
	log := slog.New(slog.NewTextHandler(s.log, nil))
	go func() {
		s.done <- serve(ctx, serveConfig{addr: "127.0.0.1:0", db: path, token: token, log: log, stderr: io.Discard, timeouts: to})
	}()
	t.Cleanup(func() {
		cancel()
		<-s.done
	})
	for deadline := time.Now().Add(60 * time.Second); s.url == ""; time.Sleep(10 * time.Millisecond) {
		if m := servingURL.FindStringSubmatch(s.log.String()); m != nil {
			s.url = m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not listen in 60 s:\n%s", s.log.String())
		}
	}
	return s
}

// do sends an authorized JSON request and decodes the answer into out.
func (s *liveServe) do(t *testing.T, method, path string, body, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.url+path, r)
	req.Header.Set("Authorization", "Bearer "+s.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		_ = json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

// steps is the number of steps run id has committed.
func (s *liveServe) steps(t *testing.T, id string) int {
	t.Helper()
	var in runs.Info
	if code := s.do(t, "GET", "/v1/runs/"+id, nil, &in); code != 200 {
		t.Fatalf("GET /v1/runs/%s: %d", id, code)
	}
	return in.Steps
}

// slowClients opens n connections to s that send their body a byte a
// second, half of them without the token.
func (s *liveServe) slowClients(t *testing.T, n int) []*slowloris.Conn {
	t.Helper()
	addr := strings.TrimPrefix(s.url, "http://")
	var conns []*slowloris.Conn
	for i := range n {
		h := http.Header{}
		if i%2 == 0 {
			h.Set("Authorization", "Bearer "+s.token)
		}
		c, err := slowloris.Dial(context.Background(), addr, []string{"/v1/runs", "/v1/session", "/mcp", "/v1/plan"}[i%4], h, 10000, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		conns = append(conns, c)
	}
	return conns
}

// TestServeSlowClients: slow clients of a token-protected service are
// closed at the read timeout while a run keeps committing steps, and a
// SIGTERM with slow clients and an event stream open stops the run at
// once and returns within the drain's grace, with no error (exit 0); the
// run stays resumable.
func TestServeSlowClients(t *testing.T) {
	const token = "tok-3f9a2c1b-0123456789abcdef"
	desc := map[string]any{"kind": "hanoi", "params": map[string]int{"disks": 14}, "settings": map[string]any{"k": 2, "sim-latency": "2ms"}}
	start := func(s *liveServe) string {
		var res struct{ ID string }
		if code := s.do(t, "POST", "/v1/runs", desc, &res); code != http.StatusCreated {
			t.Fatalf("POST /v1/runs: %d", code)
		}
		for deadline := time.Now().Add(60 * time.Second); s.steps(t, res.ID) == 0; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the run committed no step in 60 s")
			}
		}
		return res.ID
	}

	t.Run("closed at the read timeout", func(t *testing.T) {
		const read = time.Second
		s := startLiveServe(t, filepath.Join(t.TempDir(), "m.db"), token, server.Timeouts{ReadHeader: read, Read: read})
		id := start(s)
		before := s.steps(t, id)
		began := time.Now()
		conns := s.slowClients(t, 20)
		for i, c := range conns {
			select {
			case <-c.Closed():
			case <-time.After(30 * time.Second):
				held, _ := c.Held()
				t.Fatalf("slow client %d still open after %s (read timeout %s)", i, held.Round(time.Millisecond), read)
			}
		}
		took := time.Since(began)
		// Steps committed while the slow clients were connected.
		for deadline := time.Now().Add(30 * time.Second); s.steps(t, id) <= before; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the run committed no step during the slow clients (still %d)", before)
			}
		}
		t.Logf("20 slow clients closed within %s of a %s read timeout; the run went from %d to %d committed steps", took.Round(time.Millisecond), read, before, s.steps(t, id))
	})

	t.Run("SIGTERM does not wait for them", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "m.db")
		s := startLiveServe(t, path, token, server.Timeouts{}) // the defaults: 30 s to send a request
		id := start(s)
		conns := s.slowClients(t, 20)
		stream, err := http.NewRequest("GET", s.url+"/v1/runs/"+id+"/events", nil)
		if err != nil {
			t.Fatal(err)
		}
		stream.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(stream)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("event stream: %v %v", res, err)
		}
		defer res.Body.Close()
		t0 := time.Now()
		s.cancel()
		var drainErr error
		select {
		case drainErr = <-s.done:
		case <-time.After(60 * time.Second):
			t.Fatal("serve did not return in 60 s after SIGTERM")
		}
		took := time.Since(t0)
		s.done <- drainErr // for the cleanup
		if drainErr != nil {
			t.Fatalf("serve after SIGTERM: %v\n%s", drainErr, s.log.String())
		}
		// The grace, then what stopping a run takes, with room for a
		// loaded machine; without closing them it waited out the slow
		// clients (30 s).
		if limit := drainGrace + 4*time.Second; took > limit {
			t.Errorf("the drain took %s with slow clients open, want under %s", took.Round(time.Millisecond), limit)
		}
		for i, c := range conns {
			select {
			case <-c.Closed():
			case <-time.After(10 * time.Second):
				held, _ := c.Held()
				t.Errorf("slow client %d still open 10 s after the drain (held %s)", i, held.Round(time.Millisecond))
			}
		}
		db, err := sqlite.OpenReadOnly(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		r, err := db.Run(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != maker.StatusRunning || r.Steps == 0 || r.Steps >= r.TotalSteps {
			t.Errorf("after the drain the run is %s with %d of %d steps; want it left running (resumable) part way", r.Status, r.Steps, r.TotalSteps)
		}
		t.Logf("drained in %s with 20 slow clients and an event stream open; the run stopped at step %d of %d", took.Round(time.Millisecond), r.Steps, r.TotalSteps)
	})
}

// TestServeHosts: the Host allow-list is --addr's host unless it is a
// wildcard, and each --allow-host; a malformed --allow-host is a usage
// error that names it.
func TestServeHosts(t *testing.T) {
	for _, c := range []struct {
		addr  string
		allow []string
		want  []string
		err   string
	}{
		{"127.0.0.1:7777", nil, []string{"127.0.0.1"}, ""},
		{"0.0.0.0:7777", []string{"maker.example.com"}, []string{"maker.example.com"}, ""},
		{"[::]:7777", []string{"proxy.internal:8443", "[fd00::1]:443"}, []string{"proxy.internal:8443", "[fd00::1]:443"}, ""},
		{":7777", nil, nil, ""},
		{"maker.lan:7777", nil, []string{"maker.lan"}, ""},
		{"127.0.0.1:7777", []string{"http://maker.example.com"}, nil, `--allow-host "http://maker.example.com"`},
		{"127.0.0.1:7777", []string{"maker.example.com:https"}, nil, "port"},
		{"127.0.0.1:7777", []string{""}, nil, "--allow-host"},
		{"127.0.0.1:7777", []string{"a b"}, nil, "--allow-host"},
	} {
		got, err := serveHosts(c.addr, c.allow)
		if c.err != "" {
			var ee *exitError
			if err == nil || !strings.Contains(err.Error(), c.err) || !errors.As(err, &ee) || ee.Code != exitUsage {
				t.Errorf("serveHosts(%q, %q): %v, want a usage error naming %q", c.addr, c.allow, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("serveHosts(%q, %q) = %q, %v; want %q", c.addr, c.allow, got, err, c.want)
		}
	}
}

// startSimHTTP serves the simulated model's OpenAI-compatible API on a
// loopback port, as maker sim serve builds its server, until the test ends.
func startSimHTTP(t *testing.T) (*sim.Server, *http.Server, string) {
	t.Helper()
	srv, err := sim.NewServer(simOracles(), sim.ServerConfig{Model: sim.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := sim.Listen("127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	hs := sim.HTTPServer(srv, sim.DefaultTimeouts)
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return srv, hs, ln.Addr().String()
}

// TestSimServeDrainDoesNotWaitForSlowClients: maker sim serve's server,
// built as the command builds it, stops within the drain's grace with slow
// clients connected, and closes them.
func TestSimServeDrainDoesNotWaitForSlowClients(t *testing.T) {
	_, hs, addr := startSimHTTP(t)
	var conns []*slowloris.Conn
	for range 20 {
		c, err := slowloris.Dial(context.Background(), addr, "/v1/chat/completions", nil, 10000, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		conns = append(conns, c)
	}
	t0 := time.Now()
	closeHTTP(hs, drainGrace)
	took := time.Since(t0)
	// Without the close it waits out the 30 s read timeout.
	if limit := drainGrace + 4*time.Second; took > limit {
		t.Errorf("the drain took %s with slow clients open, want under %s", took.Round(time.Millisecond), limit)
	}
	for i, c := range conns {
		select {
		case <-c.Closed():
		case <-time.After(10 * time.Second):
			t.Errorf("slow client %d still open 10 s after the drain", i)
		}
	}
}
