package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browserErrors collects what a page said went wrong, and the URLs it
// asked for.
type browserErrors struct {
	mu       sync.Mutex
	errors   []string
	requests []string
}

func (b *browserErrors) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			b.errors = append(b.errors, fmt.Sprintf("console.%s: %s", e.Type, strings.Join(parts, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		b.errors = append(b.errors, fmt.Sprintf("exception at %d:%d: %s", d.LineNumber, d.ColumnNumber, msg))
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError {
			b.errors = append(b.errors, fmt.Sprintf("browser log (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, e.Request.URL)
	}
}

func (b *browserErrors) snapshot() ([]string, []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errors...), append([]string(nil), b.requests...)
}

// TestDashboardInChromium opens the dashboard of a service with a running
// simulated run in headless Chromium: the run's progress advances on the
// page within 2 s, its charts draw, the console stays clean, the page asks
// only its own server, and a screenshot is saved in the test's artifact
// directory (and at $MAKER_DASHBOARD_SCREENSHOT).
func TestDashboardInChromium(t *testing.T) {
	browser := os.Getenv("MAKER_CHROMIUM")
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if browser != "" {
			break
		}
		browser, _ = exec.LookPath(name)
	}
	if browser == "" {
		t.Skip("no Chromium found: install it with .ci/setup.d/chromium.sh (apt-get install chromium) or set MAKER_CHROMIUM")
	}
	s := startTestService(t, filepath.Join(t.TempDir(), "service.db"))
	desc := map[string]any{"kind": "hanoi", "params": map[string]int{"disks": 11}, "settings": map[string]any{"k": 2, "sim-latency": "5ms", "sim-error": 0.05}}
	var res struct{ ID string }
	if code := s.do("POST", "/v1/runs", desc, &res); code != 201 {
		t.Fatalf("POST /v1/runs: %d", code)
	}
	t.Cleanup(func() { s.mgr.Cancel(context.Background(), res.ID) })

	dir := t.TempDir()
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")), chromedp.WindowSize(1400, 900),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	var be browserErrors
	if err := chromedp.Listen(ctx, be.listen); err != nil {
		t.Skipf("Chromium at %s does not start: %v", browser, err)
	}
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
		errs, _ := be.snapshot()
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
	errs, reqs := be.snapshot()
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
		if errs, _ := be.snapshot(); len(errs) > 0 && strings.Contains(errs[len(errs)-1], "probe") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a console.error in the page was not seen")
		}
	}
}
