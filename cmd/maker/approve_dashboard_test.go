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

// TestDashboardShowsPendingDecision opens the dashboard of a service whose
// journal holds a run waiting for approval: the panel shows the run, the
// step and the action, and its Approve button answers the decision, which
// the journal records as the dashboard's.
func TestDashboardShowsPendingDecision(t *testing.T) {
	t.Parallel() // a service and a browser of its own
	ctx, be := openBrowser(t, 1400, 900)
	s := startTestService(t, filepath.Join(t.TempDir(), "service.db"))
	bg := context.Background()
	rec, err := s.mgr.DB().Create(bg, maker.NewRun{Kind: "taskfile", Task: "rollout"}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	dj := s.mgr.DB().(maker.DecisionJournal)
	if _, err := dj.Ask(bg, rec.ID(), maker.DecisionRequest{Kind: maker.DecisionApprove, Step: 2, Action: "upgrade api 1.5"}); err != nil {
		t.Fatal(err)
	}
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/")); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`!document.getElementById('decisions').hidden`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		errs, _ := be.Snapshot()
		t.Fatalf("no pending decision shown: %v (errors %q)", err, errs)
	}
	shown, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.getElementById('decision-list').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(shown, rec.ID()) || !strings.Contains(shown, "step 2: carry out upgrade api 1.5?") {
		t.Fatalf("the panel shows %q", shown)
	}
	if err := chromedp.Do(tctx, chromedp.Click(`#decision-list .decision button`)); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		ds, err := dj.Decisions(bg, rec.ID())
		if err != nil {
			t.Fatal(err)
		}
		if a := ds[0].Answer; a != nil {
			if !a.Approved || a.By != "dashboard" {
				t.Fatalf("answered %+v", a)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the Approve button answered nothing in 30 s")
		}
	}
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`document.getElementById('decisions').hidden`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("the answered decision stays shown: %v", err)
	}
	if errs, _ := be.Snapshot(); len(errs) > 0 {
		t.Errorf("browser reported: %q", errs)
	}
}
