package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/maker-go/maker/internal/browsertest"
	"github.com/maker-go/maker/server"
)

// TestDashboardInChromium opens the dashboard of a service with a running
// simulated run in headless Chromium: the run's progress advances on the
// page within 2 s, its charts draw, the console stays clean, the page asks
// only its own server, and a screenshot is saved in the test's artifact
// directory (and at $MAKER_DASHBOARD_SCREENSHOT).
func TestDashboardInChromium(t *testing.T) {
	ctx, be := browsertest.Open(t, 1400, 900)
	s := startTestService(t, filepath.Join(t.TempDir(), "service.db"))
	desc := map[string]any{"kind": "hanoi", "params": map[string]int{"disks": 11}, "settings": map[string]any{"k": 2, "sim-latency": "5ms", "sim-error": 0.05}}
	var res struct{ ID string }
	if code := s.do("POST", "/v1/runs", desc, &res); code != 201 {
		t.Fatalf("POST /v1/runs: %d", code)
	}
	t.Cleanup(func() { s.mgr.Cancel(context.Background(), res.ID) })

	tctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()
	if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/#"+res.ID)); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	steps := func() int {
		n, err := chromedp.Run(tctx, chromedp.Evaluate[int](`+document.getElementById('steps').dataset.steps`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Wait for the first steps to show, then for progress within 2 s.
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`+document.getElementById('steps').dataset.steps > 0`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		errs, _ := be.Snapshot()
		t.Fatalf("no step shown: %v (errors %q)", err, errs)
	}
	before := steps()
	time.Sleep(2 * time.Second)
	after := steps()
	if after <= before {
		t.Fatalf("progress did not advance in 2 s: %d then %d steps", before, after)
	}
	t.Logf("progress: %d then %d steps 2 s later", before, after)
	type pageFacts struct {
		Rows   int `json:"rows"`
		Points int `json:"points"`
		Ink    int `json:"ink"`
	}
	time.Sleep(700 * time.Millisecond) // a redraw (every 500 ms)
	got, err := chromedp.Run(tctx, chromedp.Evaluate[pageFacts](`(function () {
	  var c = document.querySelector('#chart-votes canvas'), ink = 0;
	  var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
	  for (var i = 3; i < d.length; i += 4) { if (d[i] !== 0) ink++; }
	  return {rows: document.querySelectorAll('#runs tbody tr').length,
	          points: echarts.getInstanceByDom(document.getElementById('chart-votes')).getOption().series[0].data.length, ink: ink};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Rows != 1 || got.Points < after/2 || got.Ink < 1000 {
		t.Errorf("page: %+v (want 1 run row and a drawn chart of the steps)", got)
	}
	png, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	shots := []string{filepath.Join(t.ArtifactDir(), "dashboard.png")}
	if p := os.Getenv("MAKER_DASHBOARD_SCREENSHOT"); p != "" {
		shots = append(shots, p)
	}
	for _, p := range shots {
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
	errs, reqs := be.Snapshot()
	for _, e := range errs {
		t.Errorf("browser reported: %s", e)
	}
	for _, u := range reqs {
		if !strings.HasPrefix(u, s.url) && !strings.HasPrefix(u, "data:") {
			t.Errorf("the dashboard asked for %s; it must need nothing but its server", u)
		}
	}
	// The listener must see an error, or its silence proves nothing.
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[chromedp.Void](`console.error('probe')`)); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if errs, _ := be.Snapshot(); len(errs) > 0 && strings.Contains(errs[len(errs)-1], "probe") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a console.error in the page was not seen")
		}
	}
}

// TestDashboardSignInInChromium opens the dashboard of a token-protected
// service in headless Chromium: the page loads without the token and
// shows its sign-in form, signing in with the token lists the running
// run and follows its progress, and the page's scripts cannot read the
// session cookie.
func TestDashboardSignInInChromium(t *testing.T) {
	ctx, be := browsertest.Open(t, 1200, 800)
	const token = "tok-3f9a2c1b-0123456789abcdef"
	s := startLiveServe(t, filepath.Join(t.TempDir(), "service.db"), token, server.Timeouts{})
	desc := map[string]any{"kind": "hanoi", "params": map[string]int{"disks": 14}, "settings": map[string]any{"k": 2, "sim-latency": "5ms"}}
	var res struct{ ID string }
	if code := s.do(t, "POST", "/v1/runs", desc, &res); code != 201 {
		t.Fatalf("POST /v1/runs: %d", code)
	}

	tctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()
	if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/")); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`!document.getElementById('login').hidden`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("the sign-in form did not show: %v", err)
	}
	if rows, err := chromedp.Run(tctx, chromedp.Evaluate[int](`document.querySelectorAll('#runs tbody tr').length`)); err != nil || rows != 0 {
		t.Fatalf("before signing in the page lists %d runs (%v)", rows, err)
	}
	if err := chromedp.Do(tctx, chromedp.SendKeys("#token", token), chromedp.Click("#login button")); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	// The page reloads signed in: the run is listed and its steps show.
	// A check that the reload interrupts is tried again.
	signedIn := `document.getElementById('login').hidden && +document.getElementById('steps').dataset.steps > 0 &&
	  Array.from(document.querySelectorAll('#runs tbody tr')).some(function (tr) { return tr.dataset.id === '` + res.ID + `'; })`
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		ok, err := chromedp.Run(tctx, chromedp.Evaluate[bool](signedIn))
		if err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			errs, _ := be.Snapshot()
			t.Fatalf("30 s after signing in the run is not listed with its steps (last check: %v; browser said %q)", err, errs)
		}
	}
	got, err := chromedp.Run(tctx, chromedp.Evaluate[map[string]any](`({login: document.getElementById('login').hidden, cookie: document.cookie})`))
	if err != nil {
		t.Fatal(err)
	}
	if got["login"] != true || got["cookie"] != "" {
		t.Errorf("signed in: sign-in form hidden %v, document.cookie %q (want hidden, and the HttpOnly cookie out of the page's reach)", got["login"], got["cookie"])
	}
	errs, _ := be.Snapshot()
	for _, e := range errs {
		// The page's first requests are answered 401 before it signs in.
		if !strings.Contains(e, "401") {
			t.Errorf("browser reported: %s", e)
		}
	}
}
