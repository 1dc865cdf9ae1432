package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/maker-go/maker"
)

// TestDashboardShowsSpeculation: the run detail of a speculative run on
// the dashboard shows its depth, hit rate and waste.
func TestDashboardShowsSpeculation(t *testing.T) {
	t.Parallel() // a service and a browser of its own
	ctx, _ := openBrowser(t, 1200, 800)
	s := startTestService(t, filepath.Join(t.TempDir(), "service.db"))
	desc := map[string]any{"kind": "hanoi", "params": map[string]int{"disks": 6}, "settings": map[string]any{"k": 3, "sim-latency": "2ms"}}
	var res struct{ ID string }
	if code := s.do("POST", "/v1/runs", desc, &res); code != 201 {
		t.Fatalf("POST /v1/runs: %d", code)
	}
	if in := s.wait(res.ID, time.Minute); in.Status != maker.StatusDone || in.Summary == nil || in.Summary.Depth == 0 {
		t.Fatalf("the run did not speculate: status %s, summary %+v", in.Status, in.Summary)
	}
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/#"+res.ID)); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	const shown = `((document.getElementById("spec") || {}).textContent || "")`
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](shown+`.indexOf("hit rate") >= 0`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		got, _ := chromedp.Run(tctx, chromedp.Evaluate[string](shown))
		t.Fatalf("the run detail shows speculation as %q: %v", got, err)
	}
	got, err := chromedp.Run(tctx, chromedp.Evaluate[string](shown))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"depth ", "(auto)", "hit rate ", "waste "} {
		if !strings.Contains(got, want) {
			t.Errorf("the run detail shows speculation as %q, without %q", got, want)
		}
	}
	t.Logf("speculation: %s", got)
}
