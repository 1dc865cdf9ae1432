package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

// maker runs lists a page at a time: the last line gives the count and the
// command of the next page, which lists the runs after it; filters narrow
// the list; bad flags are refused naming the flag.
func TestRunsPages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := maker.OpenJournal(context.Background(), path, false)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string // newest first
	for i := range 5 {
		r, err := db.Create(context.Background(), maker.NewRun{Kind: "hanoi", Task: fmt.Sprintf("hanoi-%d", i), Model: "sim"}, maker.JournalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		status := maker.StatusDone
		if i == 3 {
			status = maker.StatusFailed
		}
		if err := r.Finish(nil, status); err != nil {
			t.Fatal(err)
		}
		ids = append([]string{r.ID()}, ids...)
	}
	db.Close()

	code, out, stderr := runCLI(t, "runs", "--db", path, "--limit", "2")
	if code != 0 || !strings.Contains(out, ids[0]) || !strings.Contains(out, ids[1]) || strings.Contains(out, ids[2]) {
		t.Fatalf("runs --limit 2: exit %d\n%s%s", code, out, stderr)
	}
	next := regexp.MustCompile(`^2 of 5 runs; the next page: maker runs --db \S+ --limit 2 --cursor (\w+)\n$`).FindStringSubmatch(stderr)
	if next == nil || next[1] != ids[1] {
		t.Fatalf("runs --limit 2 said %q; want the count and the next page's command", stderr)
	}
	code, out, stderr = runCLI(t, "runs", "--db", path, "--limit", "2", "--cursor", next[1], "--json")
	var page []maker.RunRecord
	if code != 0 || json.Unmarshal([]byte(out), &page) != nil || len(page) != 2 || page[0].ID != ids[2] || page[1].ID != ids[3] {
		t.Fatalf("the second page: exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = runCLI(t, "runs", "--db", path, "--limit", "0", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &page) != nil || len(page) != 5 {
		t.Fatalf("runs --limit 0: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "runs", "--db", path, "--status", "failed", "--text", "HANOI-3")
	if code != 0 || !strings.Contains(out, ids[1]) || strings.Count(out, "\n") != 2 {
		t.Fatalf("runs --status failed --text HANOI-3: exit %d\n%s", code, out)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--status", "bogus"}, "--status: want one of running, waiting, queued, done"},
		{[]string{"--limit", "1001"}, "--limit: want 0 (every run) to 1000, got 1001"},
		{[]string{"--limit", "-1"}, "--limit"},
		{[]string{"--cursor", "nosuchrun"}, `--cursor: no run "nosuchrun"`},
	} {
		code, out, stderr := runCLI(t, append([]string{"runs", "--db", path}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("runs %v: exit %d, %q%q; want exit %d naming %q", tt.args, code, out, stderr, exitUsage, tt.want)
		}
	}
}

// The service pages its runs as the local journal does, and refuses a
// kind it does not run, naming the parameter; maker runs --server says
// the same with exit 2.
func TestServiceRunsPages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := maker.OpenJournal(context.Background(), path, false)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		r, err := db.Create(context.Background(), maker.NewRun{Kind: "hanoi", Task: fmt.Sprintf("hanoi-%d", i), Model: "sim"}, maker.JournalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Finish(nil, maker.StatusDone); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s := startTestService(t, path)
	var e struct{ Error string }
	if code := s.do("GET", "/v1/runs?kind=chess", nil, &e); code != 400 || !strings.Contains(e.Error, `query kind: want one of cube, hanoi`) || !strings.Contains(e.Error, `got "chess"`) {
		t.Errorf("GET /v1/runs?kind=chess: %d %q", code, e.Error)
	}
	code, out, stderr := runCLI(t, "runs", "--server", s.url, "--kind", "chess")
	if code != exitUsage || !strings.Contains(stderr, "query kind: want one of cube, hanoi") {
		t.Errorf("runs --server --kind chess: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr = runCLI(t, "runs", "--server", s.url, "--limit", "2")
	if code != 0 || strings.Count(out, "hanoi-") != 2 || !regexp.MustCompile(`^2 of 3 runs; the next page: maker runs --limit 2 --server \S+ --cursor \w+\n$`).MatchString(stderr) {
		t.Errorf("runs --server --limit 2: exit %d\n%s%s", code, out, stderr)
	}
}
