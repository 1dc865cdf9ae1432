package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/browsertest"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/server"
)

// TestDashboardInChromium opens the dashboard of a service with a running
// simulated run in headless Chromium: the run's progress advances on the
// page within 2 s, its charts draw, the console stays clean, the page asks
// only its own server, and a screenshot is saved in the test's artifact
// directory.
func TestDashboardInChromium(t *testing.T) {
	t.Parallel() // a service and a browser of its own
	ctx, be := openBrowser(t, 1400, 900)
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
	for _, p := range []string{filepath.Join(t.ArtifactDir(), "dashboard.png")} {
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
	t.Parallel() // a service and a browser of its own
	ctx, be := openBrowser(t, 1200, 800)
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

// startDashboardService is startTestService with the service's prompt
// renderer, as maker serve wires it.
func startDashboardService(t *testing.T, path string) *testService {
	t.Helper()
	mgr, err := runs.New(context.Background(), path, &runs.Runner{}, runs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Manager: mgr, Prompt: runs.JournaledPrompt})
	hs := httptest.NewServer(srv)
	s := &testService{t: t, url: hs.URL, db: path, mgr: mgr, http: hs}
	t.Cleanup(func() {
		srv.StopStreams()
		hs.Close()
		mgr.Shutdown(context.Background())
	})
	return s
}

// pageBox is what boxesJS reports: the viewport's width, the document's
// scroll width and the elements that reach past either edge.
type pageBox struct {
	Width  int      `json:"width"`
	Scroll int      `json:"scroll"`
	Out    []string `json:"out"`
}

// boxesJS lists every shown element whose bounding box crosses the
// viewport's left or right edge: a page that fits its width has none.
const boxesJS = `(function () {
  var vw = document.documentElement.clientWidth, out = [];
  document.querySelectorAll('body *').forEach(function (e) {
    var r = e.getBoundingClientRect(), cs = getComputedStyle(e);
    if ((r.width === 0 && r.height === 0) || cs.visibility === 'hidden' || cs.display === 'none') return;
    if (r.left < -0.5 || r.right > vw + 0.5) {
      out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') +
        ' from ' + Math.round(r.left) + ' to ' + Math.round(r.right));
    }
  });
  return {width: vw, scroll: document.documentElement.scrollWidth, out: out};
})()`

// checkFits fails t when anything on the page reaches past the viewport's
// edges.
func checkFits(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	b, err := chromedp.Run(ctx, chromedp.Evaluate[pageBox](boxesJS))
	if err != nil {
		t.Fatal(err)
	}
	if b.Scroll > b.Width || len(b.Out) > 0 {
		if len(b.Out) > 12 {
			b.Out = append(b.Out[:12], fmt.Sprintf("and %d more", len(b.Out)-12))
		}
		t.Errorf("%s: the page is %d px wide in a viewport of %d; cut off:\n  %s", what, b.Scroll, b.Width, strings.Join(b.Out, "\n  "))
	}
}

// browsers lets two dashboard tests have a Chromium at once: they run side
// by side, and more browsers than the machine has cores starve each
// other's pages.
var browsers = make(chan struct{}, 2)

// openBrowser waits for a place among the browsers, then opens Chromium as
// browsertest.Open does; the place is given back when the test ends.
func openBrowser(t *testing.T, width, height int) (context.Context, *browsertest.PageLog) {
	t.Helper()
	browsers <- struct{}{}
	t.Cleanup(func() { <-browsers })
	return browsertest.Open(t, width, height)
}

// screenshot saves the page as name in the test's artifact directory,
// once its charts have drawn every step received (the page draws every
// 500 ms) and two frames have been painted since.
func screenshot(t *testing.T, ctx context.Context, name string, also ...string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`typeof dirty === 'undefined' || !dirty`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the charts did not draw: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise(function (ok) { requestAnimationFrame(function () { requestAnimationFrame(function () { ok(true); }); }); })`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append([]string{filepath.Join(t.ArtifactDir(), name)}, also...) {
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
}

// poll waits for the page's expression js to be true, or fails t with
// what show says of the page.
func poll(t *testing.T, ctx context.Context, be *browsertest.PageLog, within time.Duration, js, show string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(within))); err != nil {
		got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](show))
		errs, _ := be.Snapshot()
		t.Fatalf("waited %v for %s: %v\nthe page shows: %s\nthe browser said: %q", within, js, err, got, errs)
	}
}

// TestDashboardExplainsFailedRun opens, in an 800 px wide window, the
// dashboard of a service whose run failed (the simulated model is wrong
// on a third of its samples and k is 1): the run detail says why it
// stopped and which step was wrong first, with that step's tally; the
// link opens the step in the explorer. A journal that also holds an
// ensemble run, whose model list is 160 characters, is listed; nothing
// on the page reaches past the window's edges, the runs table's bars are
// coloured by status, and screenshots are saved as the test's artifacts.
func TestDashboardExplainsFailedRun(t *testing.T) {
	t.Parallel() // a service and a browser of its own
	ctx, be := openBrowser(t, 800, 1000)
	path := filepath.Join(t.TempDir(), "service.db")
	db, err := maker.OpenJournal(context.Background(), path, false)
	if err != nil {
		t.Fatal(err)
	}
	models := strings.Repeat("openrouter/anthropic/claude-sonnet-4.5,", 5)[:160]
	r, err := db.Create(context.Background(), maker.NewRun{Kind: "hanoi", Task: "hanoi-20", Model: models, TotalSteps: 1048575}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Finish(nil, maker.StatusDone); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s := startDashboardService(t, path)
	desc := map[string]any{"kind": "hanoi", "params": map[string]int{"disks": 6}, "settings": map[string]any{"k": 1, "sim-error": 0.35, "seed": 3}}
	var res struct{ ID string }
	if code := s.do("POST", "/v1/runs", desc, &res); code != 201 {
		t.Fatalf("POST /v1/runs: %d", code)
	}
	in := s.wait(res.ID, time.Minute)
	if in.Status != maker.StatusFailed || in.Summary == nil || in.Summary.FirstWrongStep == nil {
		t.Fatalf("the run did not fail on a wrong step: status %s, summary %+v", in.Status, in.Summary)
	}
	first := *in.Summary.FirstWrongStep
	t.Logf("run %s: %s, stop reason %q, first wrong step %d (%s)", res.ID, in.Status, in.Summary.StopReason, first, in.Summary.FirstWrongWhy)

	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/#"+res.ID)); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	const why = `(document.getElementById('why').hidden ? '(hidden) ' : '') + document.getElementById('why').textContent`
	poll(t, tctx, be, 30*time.Second, `!document.getElementById('why').hidden && !!document.getElementById('first-wrong-tally') &&
	  document.getElementById('first-wrong-tally').textContent.indexOf('tally') >= 0`, why)
	got, err := chromedp.Run(tctx, chromedp.Evaluate[map[string]string](`({stop: document.getElementById('stop-reason').textContent,
	  first: document.getElementById('first-wrong').textContent, settings: document.getElementById('settings').textContent,
	  bars: Array.from(document.querySelectorAll('#runs .bar')).map(function (b) { return b.className + '=' + getComputedStyle(b.firstChild).backgroundColor; }).join(' ')})`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the detail says: %s / %s", got["stop"], got["first"])
	if want := "failed: " + in.Summary.StopReason; in.Summary.StopReason == "" || got["stop"] != want {
		t.Errorf("stop reason shown %q, want %q", got["stop"], want)
	}
	if want := fmt.Sprintf("first wrong step: step %d", first); !strings.HasPrefix(got["first"], want) || !strings.Contains(got["first"], "tally ") {
		t.Errorf("first wrong step shown %q, want it to start %q and give the tally", got["first"], want)
	}
	for _, want := range []string{"model", "sim", "k", "sim_error_rate0.35"} {
		if !strings.Contains(strings.ReplaceAll(got["settings"], " ", ""), strings.ReplaceAll(want, " ", "")) {
			t.Errorf("settings shown %q, without %q", got["settings"], want)
		}
	}
	if !strings.Contains(got["bars"], "s-failed=rgb(198, 40, 40)") || !strings.Contains(got["bars"], "s-done=rgb(46, 125, 50)") {
		t.Errorf("the runs' bars are %s: want a red one for the failed run and a green one for the done run", got["bars"])
	}
	checkFits(t, tctx, "a failed run at 800 px")
	screenshot(t, tctx, "failed-run-800px.png")

	// The link opens the wrong step in the explorer, with its prompt.
	if err := chromedp.Do(tctx, chromedp.Click("#first-wrong a")); err != nil {
		t.Fatal(err)
	}
	const head = `document.getElementById('step-head').textContent + ' | ' + document.getElementById('step-msg').textContent`
	poll(t, tctx, be, 20*time.Second, `!document.getElementById('step').hidden && document.getElementById('step-head').textContent.indexOf('step `+fmt.Sprint(first)+`action') === 0`, head)
	step, err := chromedp.Run(tctx, chromedp.Evaluate[map[string]any](`({head: document.getElementById('step-head').textContent,
	  prompt: (document.getElementById('prompt-user') || {}).textContent || '', tally: document.querySelectorAll('#tally tbody tr').length,
	  samples: document.querySelectorAll('#samples tbody tr').length})`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(step["head"].(string), "wrong") || step["prompt"] == "" || step["tally"].(float64) < 1 || step["samples"].(float64) < 1 {
		t.Errorf("the explorer shows step %d as %v: want it marked wrong, with its prompt, tally and samples", first, step)
	}
	checkFits(t, tctx, "the step explorer at 800 px")
	screenshot(t, tctx, "failed-step-800px.png")
	if errs, _ := be.Snapshot(); len(errs) > 0 {
		t.Errorf("browser reported: %q", errs)
	}
}

// TestDashboardStepExplorer opens the dashboard of a live simulated run
// of 12 disks (4,095 steps, 10 ms a sample) in headless Chromium, goes to
// step 300 by number while the run goes on, and sees that step's prompt,
// tally and samples (answer, vote, latency); then a click on a point of
// the samples-per-step chart opens the step under it. Screenshots are
// saved in the test's artifact directory (the first also at
// $MAKER_DASHBOARD_SCREENSHOT, which is how docs/dashboard.png is made).
func TestDashboardStepExplorer(t *testing.T) {
	t.Parallel() // a service and a browser of its own
	ctx, be := openBrowser(t, 1400, 1200)
	s := startDashboardService(t, filepath.Join(t.TempDir(), "service.db"))
	desc := map[string]any{"kind": "hanoi", "params": map[string]int{"disks": 12},
		"settings": map[string]any{"k": 2, "sim-latency": "10ms", "sim-error": 0.05, "keep-samples": "all", "max-cost": 20}}
	var res struct{ ID string }
	if code := s.do("POST", "/v1/runs", desc, &res); code != 201 {
		t.Fatalf("POST /v1/runs: %d", code)
	}
	t.Cleanup(func() { s.mgr.Cancel(context.Background(), res.ID) })

	tctx, cancel := context.WithTimeout(ctx, 120*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/#"+res.ID)); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	const steps = `document.getElementById('steps').textContent + ' | ' + document.getElementById('message').textContent`
	poll(t, tctx, be, 60*time.Second, `+document.getElementById('steps').dataset.steps >= 320`, steps)
	if err := chromedp.Do(tctx, chromedp.SetValue("#stepno", "300"), chromedp.Click("#show-step")); err != nil {
		t.Fatal(err)
	}
	const head = `document.getElementById('step-head').textContent + ' | ' + document.getElementById('step-msg').textContent`
	poll(t, tctx, be, 20*time.Second, `!document.getElementById('step').hidden && document.getElementById('step-head').textContent.indexOf('step 300action') === 0`, head)
	type stepFacts struct {
		Live    bool     `json:"live"`
		Prompt  string   `json:"prompt"`
		Tally   []string `json:"tally"`
		Samples []string `json:"samples"`
	}
	got, err := chromedp.Run(tctx, chromedp.Evaluate[stepFacts](`({live: !!(current && current.live),
	  prompt: (document.getElementById('prompt-user') || {}).textContent || '',
	  tally: Array.from(document.querySelectorAll('#tally tbody tr')).map(function (tr) { return tr.textContent; }),
	  samples: Array.from(document.querySelectorAll('#samples tbody tr')).map(function (tr) { return Array.from(tr.children).map(function (td) { return td.textContent; }).join(' | '); })})`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("step 300: tally %q; samples %q", got.Tally, got.Samples)
	if !got.Live {
		t.Errorf("the run was no longer live when step 300 opened: the test wants a live run")
	}
	if !strings.Contains(got.Prompt, "disk") && !strings.Contains(got.Prompt, "peg") {
		t.Errorf("step 300's prompt is %q, not a Hanoi prompt", got.Prompt)
	}
	if len(got.Tally) < 1 || !strings.Contains(got.Tally[0], "← decided") {
		t.Errorf("step 300's tally rows %q: want the decided key marked", got.Tally)
	}
	voted := 0
	for _, row := range got.Samples {
		if strings.Contains(row, "voted ") && strings.Contains(row, " ms") && !strings.Contains(row, "(not kept)") {
			voted++
		}
	}
	if voted < 2 {
		t.Errorf("step 300's samples %q: want at least k=2 voted samples with their answers and latencies", got.Samples)
	}
	var shot []string
	if p := os.Getenv("MAKER_DASHBOARD_SCREENSHOT"); p != "" {
		shot = append(shot, p)
	}
	screenshot(t, tctx, "step-300.png", shot...)

	// A click on a point of the chart opens the step under it: a point
	// in the middle of the chart, or a quarter of the way along when the
	// middle is near step 300 (a slow run's chart is about 600 steps long),
	// so that the click opens another step than the one shown.
	type point struct{ X, Y, Step float64 }
	pt, err := chromedp.Run(tctx, chromedp.Evaluate[point](`(function () {
	  var c = echarts.getInstanceByDom(document.getElementById('chart-votes')), d = c.getOption().series[0].data, p = d[Math.floor(d.length / 2)];
	  if (Math.abs(p[0] - 300) < 30) { p = d[Math.floor(d.length / 4)]; }
	  var xy = c.convertToPixel({seriesIndex: 0}, p), r = document.getElementById('chart-votes').getBoundingClientRect();
	  return {x: r.left + xy[0], y: r.top + xy[1], step: p[0]};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tctx, chromedp.MouseClickXY(pt.X, pt.Y)); err != nil {
		t.Fatal(err)
	}
	poll(t, tctx, be, 20*time.Second, `shownStep !== 300 && document.getElementById('step-head').textContent.indexOf('step ' + shownStep + 'action') === 0`, head)
	clicked, err := chromedp.Run(tctx, chromedp.Evaluate[int](`shownStep`))
	if err != nil {
		t.Fatal(err)
	}
	if d := clicked - int(pt.Step); d < -5 || d > 5 {
		t.Errorf("a click on the point of step %v opened step %d", pt.Step, clicked)
	}
	screenshot(t, tctx, "step-clicked.png")
	if errs, _ := be.Snapshot(); len(errs) > 0 {
		t.Errorf("browser reported: %q", errs)
	}
}

// TestDashboardFitsAt800px opens the dashboard of a live run in an 800
// px wide window: nothing on the page, the run detail included, reaches
// past the window's edges.
func TestDashboardFitsAt800px(t *testing.T) {
	t.Parallel() // a service and a browser of its own
	ctx, be := openBrowser(t, 800, 900)
	s := startDashboardService(t, filepath.Join(t.TempDir(), "service.db"))
	desc := map[string]any{"kind": "hanoi", "params": map[string]int{"disks": 10}, "settings": map[string]any{"k": 2, "sim-latency": "5ms"}}
	var res struct{ ID string }
	if code := s.do("POST", "/v1/runs", desc, &res); code != 201 {
		t.Fatalf("POST /v1/runs: %d", code)
	}
	t.Cleanup(func() { s.mgr.Cancel(context.Background(), res.ID) })
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/#"+res.ID)); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	poll(t, tctx, be, 30*time.Second, `+document.getElementById('steps').dataset.steps > 0 && document.querySelectorAll('#runs tbody tr').length === 1`,
		`document.getElementById('steps').textContent`)
	time.Sleep(700 * time.Millisecond) // a redraw of the charts (every 500 ms)
	checkFits(t, tctx, "a live run at 800 px")
	screenshot(t, tctx, "live-800px.png")
}
