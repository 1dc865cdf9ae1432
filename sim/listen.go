package sim

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// ErrRemoteAddr is returned by [Listen] for an address that is reachable
// from other machines when remote access was not allowed: the simulated
// server has no authentication, so it serves only this machine unless asked.
var ErrRemoteAddr = errors.New("address is reachable from other machines")

// Listen opens a TCP listener on addr. Unless allowRemote is set, it
// refuses any address that is not a loopback one: an empty host (":8765",
// ":0"), a wildcard (0.0.0.0, [::]) or a host name that resolves beyond
// this machine. A literal address is refused before anything is bound; a
// host name is checked on the address it was bound to.
func Listen(addr string, allowRemote bool) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("address %q: %w", addr, err)
	}
	if !allowRemote {
		if ip := net.ParseIP(host); host == "" || (ip != nil && !ip.IsLoopback()) {
			return nil, fmt.Errorf("%q: %w", addr, ErrRemoteAddr)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !allowRemote && !tcp.IP.IsLoopback() {
		_ = ln.Close()
		return nil, fmt.Errorf("%q (bound to %s): %w", addr, tcp, ErrRemoteAddr)
	}
	return ln, nil
}

// Timeouts bound how long a client may hold a connection of the server
// without completing a request. There is no write timeout: a simulated
// latency or an injected hang holds a response as long as it was asked to.
type Timeouts struct {
	ReadHeader time.Duration // to send the request line and headers (default 10s)
	Read       time.Duration // to send the whole request, body included (default 30s)
	Idle       time.Duration // a kept-alive connection may wait for its next request (default 60s)
}

// DefaultTimeouts are the timeouts `maker sim serve` runs with.
var DefaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: 30 * time.Second, Idle: 60 * time.Second}

// HTTPServer returns an [http.Server] for h with the given timeouts, zero
// fields taken from [DefaultTimeouts], so that slow or idle clients cannot
// hold connections open indefinitely.
func HTTPServer(h http.Handler, t Timeouts) *http.Server {
	d := DefaultTimeouts
	if t.ReadHeader <= 0 {
		t.ReadHeader = d.ReadHeader
	}
	if t.Read <= 0 {
		t.Read = d.Read
	}
	if t.Idle <= 0 {
		t.Idle = d.Idle
	}
	return &http.Server{Handler: h, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, IdleTimeout: t.Idle}
}
