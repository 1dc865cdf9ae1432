package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker/events"
)

// TestClientCommands drives a service with the command line: submit,
// watch, runs, show and cancel with --server.
func TestClientCommands(t *testing.T) {
	s := startTestService(t, filepath.Join(t.TempDir(), "service.db"))
	maker := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := run(context.Background(), args, &out, &errb)
		return out.String(), errb.String(), code
	}

	out, errs, code := maker("submit", "--server", s.url, "hanoi", "--disks", "6", "--k", "2", "--json")
	if code != 0 {
		t.Fatalf("submit: exit %d: %s", code, errs)
	}
	var sub struct {
		RunID string `json:"run_id"`
	}
	if err := json.Unmarshal([]byte(out), &sub); err != nil || sub.RunID == "" {
		t.Fatalf("submit printed %q", out)
	}
	out, errs, code = maker("watch", sub.RunID, "--server", s.url, "--json")
	if code != 0 {
		t.Fatalf("watch: exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 63 {
		t.Fatalf("watch printed %d steps, want 63", len(lines))
	}
	for i, l := range lines {
		var ev events.Event
		if err := json.Unmarshal([]byte(l), &ev); err != nil || ev.Step != i+1 || ev.K != 2 {
			t.Fatalf("watch line %d: %q (%v)", i+1, l, err)
		}
	}
	out, _, code = maker("watch", sub.RunID, "--server", s.url)
	if code != 0 || !strings.Contains(out, "step 63/63") || !strings.Contains(out, "done, 63 of 63 steps") {
		t.Fatalf("watch in text: exit %d\n%s", code, out)
	}
	out, _, code = maker("runs", "--server", s.url)
	if code != 0 || !strings.Contains(out, sub.RunID) || !strings.Contains(out, "hanoi-6") {
		t.Fatalf("runs --server: exit %d\n%s", code, out)
	}
	out, _, code = maker("show", sub.RunID[:4], "--server", s.url, "--json")
	var shown map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &shown) != nil || shown["run_id"] != sub.RunID || shown["steps"] != 63.0 || shown["status"] != "done" {
		t.Fatalf("show --server: exit %d\n%s", code, out)
	}

	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"cancel", sub.RunID, "--server", s.url}, exitUsage, "not running"},
		{[]string{"cancel", sub.RunID}, exitUsage, "needs --server"},
		{[]string{"submit", "hanoi", "--disks", "3"}, exitUsage, "needs --server"},
		{[]string{"submit", "--server", s.url, "hanoi", "--disks", "3", "--report", "x.html"}, exitUsage, "settings.report: not accepted"},
		{[]string{"submit", "--server", s.url, "requirements", "Build a URL shortener", "--out-md", "/tmp/x.md"}, exitUsage, "params.out_md: not accepted"},
		{[]string{"show", "nosuchrun", "--server", s.url}, exitUsage, "no such run"},
		{[]string{"watch", "nosuchrun", "--server", s.url}, exitUsage, "no such run"},
	} {
		_, errs, code := maker(c.args...)
		if code != c.code || !strings.Contains(errs, c.msg) {
			t.Errorf("maker %v: exit %d, %q; want %d and %q", c.args, code, errs, c.code, c.msg)
		}
	}

	// Cancel a long run part way.
	out, errs, code = maker("submit", "--server", s.url, "hanoi", "--disks", "12", "--sim-latency", "2ms", "--json")
	if code != 0 {
		t.Fatalf("submit: exit %d: %s", code, errs)
	}
	_ = json.Unmarshal([]byte(out), &sub)
	out, errs, code = maker("cancel", sub.RunID, "--server", s.url)
	if code != 0 || !strings.Contains(out, "interrupted after") {
		t.Fatalf("cancel: exit %d: %s%s", code, out, errs)
	}
}
