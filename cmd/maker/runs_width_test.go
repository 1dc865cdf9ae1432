package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/maker-go/maker"
)

// TestRunsFitTheTerminal lists a journal that holds an ensemble run,
// whose model list alone is 160 characters, at terminal widths of 80, 100
// and 120 columns ($COLUMNS; output that is no terminal is laid out for
// 100): every line fits, the long names end in an ellipsis, and --json
// still gives them whole.
func TestRunsFitTheTerminal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := maker.OpenJournal(context.Background(), path, false)
	if err != nil {
		t.Fatal(err)
	}
	models := strings.Repeat("openrouter/anthropic/claude-sonnet-4.5,", 5)[:160]
	for _, nr := range []maker.NewRun{
		{Kind: "hanoi", Task: "hanoi-12", Model: "sim", TotalSteps: 4095},
		{Kind: "hanoi", Task: "scenario-deploy-with-a-rather-long-task-name", Model: models, TotalSteps: 1048575},
	} {
		r, err := db.Create(context.Background(), nr, maker.JournalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Finish(nil, maker.StatusInterrupted); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	for _, tt := range []struct {
		columns string
		width   int
	}{{"80", 80}, {"100", 100}, {"120", 120}, {"", 100}, {"bogus", 100}} {
		t.Setenv("COLUMNS", tt.columns)
		code, out, stderr := runCLI(t, "runs", "--db", path)
		if code != 0 {
			t.Fatalf("COLUMNS=%s maker runs: exit %d\n%s", tt.columns, code, stderr)
		}
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if n := utf8.RuneCountInString(line); n > tt.width {
				t.Errorf("COLUMNS=%q: a line of %d columns (want at most %d):\n%s", tt.columns, n, tt.width, line)
			}
		}
		if !strings.Contains(out, "openrouter/") || !strings.Contains(out, "…") || !strings.Contains(out, "hanoi-12") {
			t.Errorf("COLUMNS=%q: want the model list cut short with an ellipsis and short names whole:\n%s", tt.columns, out)
		}
	}
	code, out, _ := runCLI(t, "runs", "--db", path, "--json")
	if code != 0 || !strings.Contains(out, models) {
		t.Errorf("runs --json: exit %d, the model list not whole:\n%s", code, out)
	}
}
