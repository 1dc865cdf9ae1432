package server

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// scrape reads /metrics after one request to the dashboard, one to the
// health check and one to a run, so their routes have series. A request
// is observed once its handler returns, which may be after the client has
// read the whole answer, so scrape reads /metrics until the three routes
// are there (or a minute has passed; the test then says what is missing).
func scrape(t *testing.T) string {
	t.Helper()
	_, hs := newTestServer(t, "")
	for _, path := range []string{"/", "/healthz", "/v1/runs/nope"} {
		resp, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get(hs.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		body := string(b)
		observed := strings.Contains(body, `route="/"`) && strings.Contains(body, `route="/healthz"`) && strings.Contains(body, `route="/v1/runs/{id}"`)
		if observed || time.Now().After(deadline) {
			return body
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestMetricsProcessAndRoutes: /metrics has the process and Go runtime
// collectors that dashboards expect, and labels each route by its
// pattern as a person writes it (the dashboard is "/", a run's route keeps
// its {id} rather than the id asked for).
func TestMetricsProcessAndRoutes(t *testing.T) {
	body := scrape(t)
	for _, want := range []string{
		"\nprocess_resident_memory_bytes ",
		"\nprocess_cpu_seconds_total ",
		"\ngo_goroutines ",
		"\ngo_memstats_heap_alloc_bytes ",
		`route="/"`,
		`route="/healthz"`,
		`route="/v1/runs/{id}"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	for _, bad := range []string{`route="/{$}"`, `route="/v1/runs/nope"`} {
		if strings.Contains(body, bad) {
			t.Errorf("/metrics has %s", bad)
		}
	}
}

// TestMetricsPromtool holds /metrics to `promtool check metrics`
// (Debian's prometheus package, installed by .ci/setup.d/promtool.sh).
func TestMetricsPromtool(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed (Debian's prometheus package): run .ci/setup.d/promtool.sh")
	}
	path := filepath.Join(t.TempDir(), "metrics.txt")
	if err := os.WriteFile(path, []byte(scrape(t)), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = f
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}
