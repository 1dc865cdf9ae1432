package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/maker-go/maker"
)

// TestDashboardPagesRuns opens the dashboard of a journal of 120 runs in
// headless Chromium: it lists 50 with the total, pages to older runs and
// back, and narrows the list by status and by text, through GET /v1/runs.
func TestDashboardPagesRuns(t *testing.T) {
	t.Parallel() // a service and a browser of its own
	ctx, be := openBrowser(t, 1400, 900)
	path := filepath.Join(t.TempDir(), "service.db")
	db, err := maker.OpenJournal(context.Background(), path, false)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 120 {
		r, err := db.Create(context.Background(), maker.NewRun{Kind: "hanoi", Task: fmt.Sprintf("hanoi-%d", i), Model: "sim"}, maker.JournalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		status := maker.StatusDone
		if i%10 == 0 {
			status = maker.StatusFailed
		}
		if err := r.Finish(nil, status); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s := startTestService(t, path)

	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/")); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	// wait polls the page until it shows count and rows rows, the first
	// being task first.
	wait := func(count string, rows int, first string) {
		t.Helper()
		js := fmt.Sprintf(`document.getElementById('count').textContent === %q &&
		  document.querySelectorAll('#runs tbody tr').length === %d &&
		  document.querySelector('#runs tbody tr td:nth-child(3)').textContent === %q`, count, rows, first)
		if _, err := chromedp.Run(tctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			got, _ := chromedp.Run(tctx, chromedp.Evaluate[string](`document.getElementById('count').textContent + ' / ' + document.querySelectorAll('#runs tbody tr').length + ' rows / ' + document.getElementById('message').textContent`))
			t.Fatalf("want %q with %d rows from %s; the page shows %q (%v)", count, rows, first, got, err)
		}
	}
	click := func(sel string) {
		t.Helper()
		if err := chromedp.Do(tctx, chromedp.Click(sel)); err != nil {
			t.Fatal(err)
		}
	}
	wait("runs 1–50 of 120", 50, "hanoi-119")
	click("#next")
	wait("runs 51–100 of 120", 50, "hanoi-69")
	click("#next")
	wait("runs 101–120 of 120", 20, "hanoi-19")
	if disabled, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`document.getElementById('next').disabled`)); err != nil || !disabled {
		t.Errorf("on the last page, older is enabled (%v)", err)
	}
	click("#prev")
	wait("runs 51–100 of 120", 50, "hanoi-69")
	if err := chromedp.Do(tctx, chromedp.SetValue("#status", "failed")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[chromedp.Void](`document.getElementById('status').dispatchEvent(new Event('change'))`)); err != nil {
		t.Fatal(err)
	}
	wait("runs 1–12 of 12", 12, "hanoi-110")
	if err := chromedp.Do(tctx, chromedp.SendKeys("#text", "HANOI-1")); err != nil {
		t.Fatal(err)
	}
	wait("runs 1–3 of 3", 3, "hanoi-110") // hanoi-110, -100 and -10
	if errs, _ := be.Snapshot(); len(errs) > 0 {
		t.Errorf("browser reported: %q", errs)
	}
}
