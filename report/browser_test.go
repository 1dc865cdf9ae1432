package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/maker-go/maker/internal/browsertest"
)

// chartCheck is what the page reports about one chart container.
type chartCheck struct {
	ID     string `json:"id"`
	Drawn  bool   `json:"drawn"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Ink    int    `json:"ink"`    // canvas pixels that are not transparent
	Series int    `json:"series"` // series in the chart's option
}

// inspectCharts reads every chart container: whether ECharts said it
// finished, its canvas size, how much of the canvas is painted, and how
// many series the live chart holds.
const inspectCharts = `Array.from(document.querySelectorAll('[data-chart]')).map(function (el) {
  var c = el.querySelector('canvas');
  var inst = echarts.getInstanceByDom(el);
  var r = {id: el.id, drawn: el.getAttribute('data-drawn') === 'true', width: 0, height: 0, ink: 0,
           series: inst ? inst.getOption().series.length : 0};
  if (c) {
    r.width = c.width; r.height = c.height;
    var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (var i = 3; i < d.length; i += 4) { if (d[i] !== 0) { r.ink++; } }
  }
  return r;
})`

// TestReportInChromium renders the report of a real simulated run in
// headless Chromium and checks what a reader would: every chart is drawn,
// nothing went wrong in the console, the page asked for nothing beyond its
// own file, and the Hanoi pegs show the solved tower. It saves a full-page
// screenshot in the test's temp dir and at $MAKER_REPORT_SCREENSHOT.
func TestReportInChromium(t *testing.T) {
	ctx, pl := browsertest.Open(t, 1280, 900)
	const disks = 7
	run := runSim(t, disks, 0.08, 2*time.Millisecond, 3)
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Render(f, run.data()); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	tctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()

	if err := chromedp.Do(tctx, chromedp.Navigate("file://"+path)); err != nil {
		t.Fatalf("open the report: %v", err)
	}
	// Wait for every chart to say it finished drawing.
	const allDrawn = `(function () { var c = document.querySelectorAll('[data-chart]');
	  return c.length > 0 && Array.from(c).every(function (e) { return e.getAttribute('data-drawn') === 'true'; }); })()`
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](allDrawn, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		checks, _ := chromedp.Run(ctx, chromedp.Evaluate[[]chartCheck](inspectCharts))
		errs, _ := pl.Snapshot()
		t.Fatalf("charts not all drawn: %v\ncharts: %+v\nerrors: %q", err, checks, errs)
	}
	checks, err := chromedp.Run(tctx, chromedp.Evaluate[[]chartCheck](inspectCharts))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"chart-votes", "chart-undecided", "chart-flags", "chart-cost", "chart-effort", "chart-latency"}
	if len(checks) != len(want) {
		t.Fatalf("got %d charts, want %d: %+v", len(checks), len(want), checks)
	}
	for i, c := range checks {
		if c.ID != want[i] {
			t.Errorf("chart %d is %q, want %q", i, c.ID, want[i])
		}
		// Axes, labels and data paint well over 1% of a 500x320 canvas; an
		// empty canvas paints nothing.
		if !c.Drawn || c.Series == 0 || c.Width < 200 || c.Height < 200 || c.Ink < c.Width*c.Height/100 {
			t.Errorf("chart %s not drawn: %+v", c.ID, c)
		}
	}

	type facts struct {
		Banner   bool `json:"banner"`
		OnGoal   int  `json:"onGoal"`
		Elsewise int  `json:"elsewise"`
		Hardest  int  `json:"hardest"`
	}
	got, err := chromedp.Run(tctx, chromedp.Evaluate[facts](`({
	  banner: !!document.getElementById('simulated-banner') && document.getElementById('simulated-banner').offsetHeight > 0,
	  onGoal: document.querySelectorAll('[data-peg="2"] .disk').length,
	  elsewise: document.querySelectorAll('[data-peg="0"] .disk, [data-peg="1"] .disk').length,
	  hardest: document.querySelectorAll('#hardest tbody tr').length})`))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Banner {
		t.Error("the SIMULATED banner is not shown for a simulated run")
	}
	if got.OnGoal != disks || got.Elsewise != 0 {
		t.Errorf("final pegs: %d disks on peg 2 and %d elsewhere, want %d and 0", got.OnGoal, got.Elsewise, disks)
	}
	if got.Hardest != HardestSteps {
		t.Errorf("hardest-steps table has %d rows, want %d", got.Hardest, HardestSteps)
	}

	png, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	shots := []string{filepath.Join(dir, "report.png")}
	if p := os.Getenv("MAKER_REPORT_SCREENSHOT"); p != "" {
		shots = append(shots, p)
	}
	for _, p := range shots {
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}

	errs, reqs := pl.Snapshot()
	for _, e := range errs {
		t.Errorf("browser reported: %s", e)
	}
	for _, u := range reqs {
		if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the report asked for %s; it must need no network", u)
		}
	}

	// The listener must be able to see an error, or its silence above
	// proves nothing.
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[chromedp.Void](`console.error('probe')`)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		errs, _ := pl.Snapshot()
		if len(errs) > 0 && strings.Contains(errs[len(errs)-1], "probe") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a console.error in the page was not seen; got %q", errs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
