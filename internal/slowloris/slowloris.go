// Package slowloris opens connections that send a request's headers at
// once and then its body one byte at a time, as a client that means to
// hold a server's connections does, and records when the server closed
// each. The tests of the services' timeouts and scripts/slowloris.sh use
// it; it dials loopback addresses only.
package slowloris

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// ErrNotLoopback is returned by [Dial] for an address off this machine.
var ErrNotLoopback = errors.New("slowloris dials loopback addresses only")

// Conn is one slow connection.
type Conn struct {
	conn   net.Conn
	opened time.Time
	closed chan struct{}

	mu       sync.Mutex
	closedAt time.Time
	sent     int
}

// Dial connects to addr (host:port on loopback), sends a POST of path
// with header and a Content-Length of size, then one byte of the body
// every interval until the server closes the connection, ctx ends or the
// body is complete.
func Dial(ctx context.Context, addr, path string, header http.Header, size int, every time.Duration) (*Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("address %q: %w", addr, err)
	}
	if ip := net.ParseIP(strings.Trim(host, "[]")); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%s: %w", addr, ErrNotLoopback)
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", path, addr, size)
	for name, vs := range header {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", name, v)
		}
	}
	b.WriteString("\r\n{")
	c := &Conn{conn: nc, opened: time.Now(), closed: make(chan struct{}), sent: 1}
	if _, err := io.WriteString(nc, b.String()); err != nil {
		nc.Close()
		return nil, err
	}
	go func() {
		// Whatever the server answers, then its close (or a reset), ends
		// the reads.
		_, _ = io.Copy(io.Discard, nc)
		c.mu.Lock()
		c.closedAt = time.Now()
		c.mu.Unlock()
		close(c.closed)
	}()
	go func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-c.closed:
				return
			case <-ctx.Done():
				nc.Close()
				return
			case <-tick.C:
			}
			c.mu.Lock()
			full := c.sent >= size
			c.mu.Unlock()
			if full {
				continue
			}
			if _, err := nc.Write([]byte(" ")); err != nil {
				return
			}
			c.mu.Lock()
			c.sent++
			c.mu.Unlock()
		}
	}()
	return c, nil
}

// Closed is closed when the server has closed the connection.
func (c *Conn) Closed() <-chan struct{} { return c.closed }

// Held is how long the server held the connection open: until it closed
// it, or until now while it is open; open reports which.
func (c *Conn) Held() (held time.Duration, open bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closedAt.IsZero() {
		return time.Since(c.opened), true
	}
	return c.closedAt.Sub(c.opened), false
}

// Close closes the connection from this side.
func (c *Conn) Close() error { return c.conn.Close() }
