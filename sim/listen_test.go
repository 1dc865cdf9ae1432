package sim_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

func TestListenRefusesRemoteAddresses(t *testing.T) {
	tests := []struct {
		addr   string
		remote bool // reachable from other machines
	}{
		{":0", true},
		{"0.0.0.0:0", true},
		{"[::]:0", true},
		{"127.0.0.1:0", false},
		{"localhost:0", false},
	}
	for _, tt := range tests {
		ln, err := sim.Listen(tt.addr, false)
		if tt.remote {
			if !errors.Is(err, sim.ErrRemoteAddr) {
				t.Errorf("Listen(%q, false): err = %v, want ErrRemoteAddr", tt.addr, err)
			}
			if ln != nil {
				ln.Close()
			}
			if err != nil && !strings.Contains(err.Error(), tt.addr) {
				t.Errorf("Listen(%q, false): %v does not name the address", tt.addr, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Listen(%q, false): %v", tt.addr, err)
			continue
		}
		ln.Close()
	}
	// Allowed explicitly, every interface is served.
	ln, err := sim.Listen(":0", true)
	if err != nil {
		t.Fatalf("Listen(:0, true): %v", err)
	}
	ln.Close()
	if _, err := sim.Listen("no-port", false); err == nil || errors.Is(err, sim.ErrRemoteAddr) {
		t.Errorf("Listen(no-port): err = %v, want an address error", err)
	}
}

// serve runs the simulated server behind sim.HTTPServer on a loopback port.
func serve(t *testing.T, cfg sim.Config, to sim.Timeouts) string {
	t.Helper()
	s, err := sim.NewServer([]maker.Oracle{hanoi.Oracle()}, sim.ServerConfig{Model: cfg})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := sim.Listen("127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	hs := sim.HTTPServer(s, to)
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return ln.Addr().String()
}

// closedWithin reports whether the server closes conn within d, reading
// and discarding whatever it sends first.
func closedWithin(t *testing.T, conn net.Conn, d time.Duration) bool {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return true
}

func TestHTTPServerClosesSlowClients(t *testing.T) {
	addr := serve(t, sim.DefaultConfig(), sim.Timeouts{ReadHeader: 200 * time.Millisecond, Read: 300 * time.Millisecond, Idle: 300 * time.Millisecond})
	dial := func() net.Conn {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return conn
	}

	// A body announced and never sent.
	slowBody := dial()
	fmt.Fprintf(slowBody, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"model\":")
	if !closedWithin(t, slowBody, 3*time.Second) {
		t.Error("a connection sending its body slowly was still open 3s after a 300ms read timeout")
	}

	// Headers never finished.
	slowHeader := dial()
	fmt.Fprintf(slowHeader, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n")
	if !closedWithin(t, slowHeader, 3*time.Second) {
		t.Error("a connection sending its headers slowly was still open 3s after a 200ms header timeout")
	}

	// A kept-alive connection with no next request.
	idle := dial()
	fmt.Fprintf(idle, "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(idle), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /v1/models: %v %v", resp, err)
	}
	resp.Body.Close()
	if !closedWithin(t, idle, 3*time.Second) {
		t.Error("an idle kept-alive connection was still open 3s after a 300ms idle timeout")
	}
}

func TestHTTPServerLatencyOutlastsReadTimeout(t *testing.T) {
	// The read timeout bounds sending the request, not the answer's latency.
	cfg := sim.DefaultConfig()
	cfg.Latency, cfg.LatencySpread = 500*time.Millisecond, 0
	addr := serve(t, cfg, sim.Timeouts{Read: 100 * time.Millisecond})
	resp, cr := post(t, "http://"+addr, hanoiRequest(t, 3, 0, nil))
	if resp.StatusCode != 200 || len(cr.Choices) != 1 {
		t.Fatalf("status %d, %d choices, error %+v", resp.StatusCode, len(cr.Choices), cr.Error)
	}
}

func TestServerOversizeBodyIs413(t *testing.T) {
	_, ts := newServer(t, sim.ServerConfig{})
	big := hanoiRequest(t, 3, 0, map[string]any{"padding": strings.Repeat("x", sim.MaxRequestBody)})
	b, _ := json.Marshal(big)
	resp, err := http.Post(ts.URL+"/v1/chat/completions", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "larger than") {
		t.Errorf("status %d, body %.200s; want 413", resp.StatusCode, body)
	}
}

func TestServerAnswersNChoicesInOneLatency(t *testing.T) {
	// With no spread every sample takes exactly the latency: ten choices in
	// one request take one latency, as a batching server's would, not ten.
	const latency, n = 300 * time.Millisecond, 10
	cfg := sim.DefaultConfig()
	cfg.Latency, cfg.LatencySpread, cfg.ErrorRate = latency, 0, 0
	_, ts := newServer(t, sim.ServerConfig{Model: cfg})
	start := time.Now()
	resp, cr := post(t, ts.URL, hanoiRequest(t, 3, 0, map[string]any{"n": n}))
	took := time.Since(start)
	if resp.StatusCode != 200 || len(cr.Choices) != n {
		t.Fatalf("status %d, %d choices", resp.StatusCode, len(cr.Choices))
	}
	for i, c := range cr.Choices {
		if c.Index != i {
			t.Errorf("choice %d has index %d", i, c.Index)
		}
	}
	if took < latency || took > 3*latency {
		t.Errorf("%d choices took %s, want about one latency (%s), far below %s", n, took, latency, n*latency)
	}
}
