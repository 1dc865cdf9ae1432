package main

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/maker-go/maker"
)

// TestDashboardResumeAsksForCap: the dashboard's tile says what a run
// spent of its cap, and its resume button, on a run stopped by its
// max-cost, asks for a new cap: given $0.6, the run resumes against it
// and the tile then reads "spent $X of $0.6".
func TestDashboardResumeAsksForCap(t *testing.T) {
	t.Parallel() // a service and a browser of its own
	ctx, be := openBrowser(t, 1200, 1000)
	s := startDashboardService(t, filepath.Join(t.TempDir(), "service.db"))
	desc := map[string]any{"kind": "hanoi", "params": map[string]int{"disks": 8},
		"settings": map[string]any{"k": 2, "max-cost": 0.3, "price-in": 20, "price-out": 20}}
	var res struct{ ID string }
	if code := s.do("POST", "/v1/runs", desc, &res); code != 201 {
		t.Fatalf("POST /v1/runs: %d", code)
	}
	if in := s.wait(res.ID, time.Minute); in.Status != maker.StatusBudget {
		t.Fatalf("the run was not stopped by its budget: %s", in.Status)
	}
	var (
		mu     sync.Mutex
		asked  string
		dialog = make(chan struct{}, 1)
	)
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/#"+res.ID)); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			mu.Lock()
			asked = e.Message
			mu.Unlock()
			go func() {
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true, PromptText: "0.6"})
				dialog <- struct{}{}
			}()
		}
	})
	if err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	const cost = `document.getElementById('cost').textContent + ' | ' + document.getElementById('message').textContent`
	poll(t, tctx, be, 30*time.Second, `document.getElementById('cost').textContent.indexOf(' of $0.3') > 0 && !document.getElementById('resume').disabled`, cost)
	if err := chromedp.Do(tctx, chromedp.Click("#resume")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-dialog:
	case <-tctx.Done():
		t.Fatal("the resume button asked nothing")
	}
	mu.Lock()
	if !strings.Contains(asked, "max-cost") {
		t.Errorf("the prompt does not name the cap: %q", asked)
	}
	mu.Unlock()
	for {
		in := s.wait(res.ID, time.Minute)
		if last := in.Sessions[len(in.Sessions)-1]; last.N == 1 && last.Status != maker.StatusRunning {
			if in.BudgetUSD != 0.6 || in.Status != maker.StatusBudget {
				t.Fatalf("resumed from the dashboard: %s, %s", in.Status, in.Spent)
			}
			break
		}
		if tctx.Err() != nil {
			t.Fatal("the run was not resumed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	poll(t, tctx, be, 30*time.Second, `document.getElementById('cost').textContent.indexOf(' of $0.6') > 0`, cost)
}
