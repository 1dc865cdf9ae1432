package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker/internal/pgtest"
	"github.com/maker-go/maker/runs"
)

// TestPostgresJournalCLI runs and reads a run journaled on PostgreSQL
// through every journal command, with the URL given by --db and by
// $MAKER_DB, and checks that the URL's password shows nowhere.
func TestPostgresJournalCLI(t *testing.T) {
	url := pgtest.Database(t)
	secret := pgtest.Secret()
	bin := buildMaker(t)
	var seen bytes.Buffer // everything the commands printed
	maker := func(env []string, args ...string) (string, int) {
		t.Helper()
		c := makerCmd(t, bin, args...)
		c.Env = append(c.Env, env...)
		var out, errOut bytes.Buffer
		c.Stdout, c.Stderr = &out, &errOut
		err := c.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("maker %v: %v", args, err)
		}
		seen.Write(out.Bytes())
		seen.Write(errOut.Bytes())
		return out.String() + errOut.String(), code
	}
	mustJSON := func(env []string, v any, args ...string) {
		t.Helper()
		c := makerCmd(t, bin, args...)
		c.Env = append(c.Env, env...)
		var errOut bytes.Buffer
		c.Stderr = &errOut
		b, err := c.Output()
		seen.Write(b)
		seen.Write(errOut.Bytes())
		if err != nil {
			t.Fatalf("maker %v: %v\n%s%s", args, err, b, errOut.Bytes())
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("maker %v: %v in %q", args, err, b)
		}
	}
	viaEnv := []string{runs.DBEnv + "=" + url}

	var run struct {
		RunID   string `json:"run_id"`
		Steps   int    `json:"steps"`
		Success bool   `json:"success"`
	}
	mustJSON(nil, &run, "hanoi", "--disks", "4", "-q", "--json", "--local", "--db", url)
	if !run.Success || run.Steps != 15 || run.RunID == "" {
		t.Fatalf("hanoi on postgres: %+v", run)
	}
	var runs []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Steps  int    `json:"steps"`
	}
	mustJSON(viaEnv, &runs, "runs", "--json")
	if len(runs) != 1 || runs[0].ID != run.RunID || runs[0].Status != "done" || runs[0].Steps != 15 {
		t.Fatalf("runs: %+v", runs)
	}
	var shown struct {
		RunID string `json:"run_id"`
		Steps int    `json:"steps"`
	}
	mustJSON(viaEnv, &shown, "show", run.RunID[:4], "--json")
	if shown.RunID != run.RunID || shown.Steps != 15 {
		t.Errorf("show: %+v", shown)
	}
	var replay struct {
		Steps int `json:"steps"`
		Same  int `json:"same"`
	}
	mustJSON(nil, &replay, "replay", run.RunID, "--db", url, "--json")
	if replay.Steps != 15 || replay.Same != 15 {
		t.Errorf("replay: %+v", replay)
	}
	report := filepath.Join(t.TempDir(), "r.html")
	if out, code := maker(nil, "report", run.RunID, "--db", url, "-o", report); code != 0 {
		t.Fatalf("report: exit %d: %s", code, out)
	}
	if fi, err := os.Stat(report); err != nil || fi.Size() == 0 {
		t.Errorf("report: %v", err)
	}

	// A run stopped part-way resumes from the journal to the end.
	var part struct {
		RunID string `json:"run_id"`
		Steps int    `json:"steps"`
	}
	c := makerCmd(t, bin, "hanoi", "--disks", "5", "--max-samples-total", "20", "-q", "--json", "--local")
	c.Env = append(c.Env, viaEnv...)
	b, _ := c.Output()
	seen.Write(b)
	if err := json.Unmarshal(b, &part); err != nil || part.Steps == 0 || part.Steps >= 31 {
		t.Fatalf("stopped run: %+v, %v in %q", part, err, b)
	}
	var resumed struct {
		RunID   string `json:"run_id"`
		Steps   int    `json:"steps"`
		Success bool   `json:"success"`
	}
	// The sample budget caps the whole run: a resume raises it, and the run
	// goes on to the end.
	for try := 0; !resumed.Success; try++ {
		if try == 5 {
			t.Fatalf("not done after 5 resumptions: %+v", resumed)
		}
		c := makerCmd(t, bin, "resume", part.RunID, "--json", "-q", "--local", "--max-samples-total", "1000")
		c.Env = append(c.Env, viaEnv...)
		b, _ := c.Output()
		seen.Write(b)
		if err := json.Unmarshal(b, &resumed); err != nil || resumed.RunID != part.RunID {
			t.Fatalf("resumed: %+v, %v in %q", resumed, err, b)
		}
	}
	if resumed.Steps != 31 {
		t.Errorf("resumed run: %+v", resumed)
	}
	if out, code := maker(nil, "resume", part.RunID, "--local", "--db", url); code != exitUsage && code != exitFailed || !strings.Contains(out, "done") {
		t.Errorf("resume of a done run: exit %d: %s", code, out)
	}

	// A server that is not there: a one-line error without the password.
	bad := strings.Replace(url, "127.0.0.1:", "127.0.0.1:1", 1)
	bad = bad[:strings.Index(bad, "@")+1] + "127.0.0.1:1/nope"
	if out, code := maker(nil, "runs", "--db", bad); code == 0 || !strings.Contains(out, "journal") {
		t.Errorf("runs on a server that is not there: exit %d: %s", code, out)
	}
	if out, _ := maker(viaEnv, "runs", "--help"); !strings.Contains(out, "[redacted]") {
		t.Errorf("--help does not show $MAKER_DB redacted: %s", out)
	}
	if secret == "" || strings.Contains(seen.String(), secret) {
		t.Errorf("the password (%q) reached the output:\n%s", secret, seen.String())
	}
}
