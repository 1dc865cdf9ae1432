package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
)

// serveProcess is `maker serve` running as a process of its own.
type serveProcess struct {
	cmd    *exec.Cmd
	url    string
	done   chan error
	mu     sync.Mutex
	output strings.Builder // stdout and stderr
}

var servingURL = regexp.MustCompile(`msg=serving url=(http://\S+)`)

// startServe starts the binary's serve on a free loopback port and waits
// until it listens.
func startServe(t *testing.T, bin string, env []string, args ...string) *serveProcess {
	t.Helper()
	p := &serveProcess{cmd: makerCmd(t, bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...), done: make(chan error, 1)}
	p.cmd.Env = append(p.cmd.Env, env...)
	pr, pw := io.Pipe()
	p.cmd.Stdout, p.cmd.Stderr = pw, pw
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait(); pw.Close() }()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			p.mu.Lock()
			p.output.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if m := servingURL.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	t.Cleanup(func() { p.cmd.Process.Kill() })
	select {
	case p.url = <-found:
	case err := <-p.done:
		t.Fatalf("maker serve ended at start (%v):\n%s", err, p.out())
	case <-time.After(60 * time.Second):
		t.Fatalf("maker serve did not listen in 60s:\n%s", p.out())
	}
	return p
}

func (p *serveProcess) out() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.output.String()
}

// TestServeKillRestart kills `maker serve` with SIGKILL while five runs
// are in progress, restarts it, stops it with SIGTERM (a drain, exit 0),
// restarts it again, and checks that every run finishes by itself with
// the steps of an uninterrupted run.
func TestServeKillRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a service three times")
	}
	t.Parallel() // a service on a port and a journal of its own
	bin := buildMaker(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "service.db")
	var cases []serviceCase
	for _, seed := range []string{"1", "2", "3", "4", "5"} {
		cases = append(cases, serviceCase{"hanoi seed " + seed, []string{"hanoi", "--disks", "9"},
			map[string]string{"k": "3", "sim-error": "0.01", "seed": seed, "sim-latency": "8ms"}})
	}
	want := make([][]journaledStep, len(cases))
	cli := make([]*maker.RunRecord, len(cases))
	// The uninterrupted runs, side by side (each mostly waits on its
	// simulated latency), each journaled on its own.
	t.Run("uninterrupted", func(t *testing.T) {
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				cliDB := filepath.Join(dir, fmt.Sprintf("cli%d.db", i))
				cli[i] = cliRun(t, cliDB, c)
				want[i] = loadSteps(t, cliDB, cli[i].ID)
			})
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	p := startServe(t, bin, nil, "--db", path)
	s := &testService{t: t, url: p.url, db: path}
	ids := make([]string, len(cases))
	for i, c := range cases {
		var res struct{ ID string }
		if code := s.do("POST", "/v1/runs", description(c, cli[i]), &res); code != http.StatusCreated {
			t.Fatalf("POST /v1/runs: %d", code)
		}
		ids[i] = res.ID
	}
	progress := func() (committed []int) {
		for _, id := range ids {
			var in runs.Info
			s.do("GET", "/v1/runs/"+id, nil, &in)
			committed = append(committed, in.Steps)
		}
		return committed
	}
	// Kill once every run has committed a step.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c := progress()
		if !slicesContains(c, 0) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("runs committed %v in 60s", c)
		}
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	killed := progress2(t, path, ids)
	for i, n := range killed {
		if n >= len(want[i]) {
			t.Fatalf("run %s finished (%d steps) before the kill", ids[i], n)
		}
	}
	t.Logf("killed with %v of %d steps committed", killed, len(want[0]))

	// Restart: the runs resume by themselves; drain with SIGTERM part way.
	p = startServe(t, bin, nil, "--db", path)
	s.url = p.url
	time.Sleep(300 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("maker serve after SIGTERM: %v\n%s", err, p.out())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("maker serve did not drain in 60s:\n%s", p.out())
	}
	if !strings.Contains(p.out(), "resumed runs left running") {
		t.Errorf("the restarted service does not say it resumed runs:\n%s", p.out())
	}
	t.Logf("drained with %v committed", progress2(t, path, ids))

	p = startServe(t, bin, nil, "--db", path)
	s.url = p.url
	for i, id := range ids {
		in := s.wait(id, 2*time.Minute)
		if in.Status != maker.StatusDone {
			t.Errorf("run %s: %s", id, in.Status)
		}
		got := loadSteps(t, path, id)
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("run %s: %d steps, uninterrupted %d; first difference at %d", id, len(got), len(want[i]), firstDiff(got, want[i]))
		}
		if len(in.Sessions) < 2 {
			t.Errorf("run %s has %d sessions: it was not resumed", id, len(in.Sessions))
		}
	}
}

func slicesContains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// progress2 reads the committed steps of runs straight from the journal.
func progress2(t *testing.T, path string, ids []string) []int {
	t.Helper()
	var out []int
	for _, id := range ids {
		out = append(out, len(loadSteps(t, path, id)))
	}
	return out
}

// TestServeAddressNeedsToken: a non-loopback address without --token-env
// is refused; with it, requests need the token, which appears in no
// output.
func TestServeAddressNeedsToken(t *testing.T) {
	if testing.Short() {
		t.Skip("runs maker processes")
	}
	bin := buildMaker(t)
	path := filepath.Join(t.TempDir(), "m.db")
	out, err := makerCmd(t, bin, "serve", "--addr", "0.0.0.0:0", "--db", path).CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitUsage || !strings.Contains(string(out), "not a loopback address") || !strings.Contains(string(out), "--token-env") {
		t.Fatalf("serve on 0.0.0.0 without a token: %v\n%s", err, out)
	}

	const token = "tok-3f9a2c1b-0123456789abcdef"
	p := startServe(t, bin, []string{"MAKER_TEST_TOKEN=" + token}, "--db", path, "--token-env", "MAKER_TEST_TOKEN")
	p.cmd.Process.Signal(syscall.SIGTERM) // a loopback address takes a token too
	<-p.done
	p = startServe(t, bin, []string{"MAKER_TEST_TOKEN=" + token}, "--db", path, "--token-env", "MAKER_TEST_TOKEN", "--addr", "0.0.0.0:0")
	url := strings.Replace(p.url, "0.0.0.0", "127.0.0.1", 1)
	url = strings.Replace(url, "[::]", "127.0.0.1", 1)
	for _, c := range []struct {
		auth string
		want int
	}{{"", 401}, {"Bearer nope", 401}, {"Bearer " + token, 200}} {
		req, _ := http.NewRequest("GET", url+"/v1/runs", nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.want || strings.Contains(string(b), token) {
			t.Errorf("GET /v1/runs with %q: %d, want %d (token in body: %v)", c.auth, res.StatusCode, c.want, strings.Contains(string(b), token))
		}
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done
	if strings.Contains(p.out(), token) {
		t.Errorf("the token appears in the service's output:\n%s", p.out())
	}
}
