// Package browsertest opens pages in a real headless Chromium for the tests
// of what maker shows a person (the HTML report, the service's dashboard),
// and records what the page said went wrong and every URL it asked for.
// Chromium comes from .ci/setup.d/chromium.sh (Debian's package) or
// $MAKER_CHROMIUM; without one, a test is skipped, saying so.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Path finds a headless-capable Chromium: $MAKER_CHROMIUM, or one on the
// PATH. It skips t when there is none.
func Path(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("MAKER_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium found: install it with .ci/setup.d/chromium.sh (apt-get install chromium) or set MAKER_CHROMIUM")
	return ""
}

// Open starts Chromium with a fresh profile in a temporary directory and a
// window of width × height, and returns a browser context and the log of
// what its pages say. The flags keep it off the network it cannot reach
// here (no background networking, updates, sync or QUIC). It skips t when
// Chromium is missing or does not start; the browser ends with the test.
func Open(t testing.TB, width, height int) (context.Context, *PageLog) {
	t.Helper()
	browser := Path(t)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browser),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.WindowSize(width, height),
	)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	pl := new(PageLog)
	if err := chromedp.Listen(ctx, pl.listen); err != nil {
		t.Skipf("Chromium at %s does not start: %v (install it with .ci/setup.d/chromium.sh)", browser, err)
	}
	return ctx, pl
}

// PageLog is what a browser said while it showed a page.
type PageLog struct {
	mu       sync.Mutex
	errors   []string // console errors and assertions, exceptions, browser-log errors
	requests []string // every URL the page asked for
}

func (l *PageLog) listen(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			l.errors = append(l.errors, fmt.Sprintf("console.%s: %s", e.Type, strings.Join(parts, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		l.errors = append(l.errors, fmt.Sprintf("exception at %d:%d: %s", d.LineNumber, d.ColumnNumber, msg))
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError {
			l.errors = append(l.errors, fmt.Sprintf("browser log (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		l.requests = append(l.requests, e.Request.URL)
	}
}

// Snapshot returns the errors and the requested URLs so far.
func (l *PageLog) Snapshot() (errs, reqs []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.errors...), append([]string(nil), l.requests...)
}
