// Command slowloris holds connections to a service on this machine the way
// a slow client does (headers at once, then the body a byte every few
// seconds) and reports when the service closed each; scripts/slowloris.sh
// runs it against maker serve and maker sim serve. It dials loopback only.
//
// It prints "opened N" once every connection is open, then, when every one
// is closed (or -limit passes), one line: how many the service closed and
// the longest it held one.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/maker-go/maker/internal/slowloris"
)

func main() {
	var (
		addr     = flag.String("addr", "", "host:port of the service (loopback only)")
		n        = flag.Int("n", 300, "connections to open (1 to 1000)")
		every    = flag.Duration("every", 3*time.Second, "interval between two bytes of a body")
		path     = flag.String("path", "/v1/runs", "path the requests POST to")
		tokenEnv = flag.String("token-env", "", "environment variable whose bearer token half the connections send (the other half send none)")
		limit    = flag.Duration("limit", 60*time.Second, "give up waiting for the service to close them after this long (at most 10m)")
		size     = flag.Int("size", 100000, "Content-Length each request announces (below 256 KiB, a server discards what a refused request still sends, so it is held too)")
	)
	flag.Parse()
	if err := run(*addr, *n, *every, *path, *tokenEnv, *limit, *size); err != nil {
		fmt.Fprintln(os.Stderr, "slowloris:", err)
		os.Exit(2)
	}
}

func run(addr string, n int, every time.Duration, path, tokenEnv string, limit time.Duration, size int) error {
	switch {
	case addr == "":
		return fmt.Errorf("-addr: give the service's host:port")
	case n < 1 || n > 1000:
		return fmt.Errorf("-n %d: want 1 to 1000", n)
	case every <= 0:
		return fmt.Errorf("-every %s: want a positive interval", every)
	case limit <= 0 || limit > 10*time.Minute:
		return fmt.Errorf("-limit %s: want up to 10m", limit)
	case size < 2 || size > 1<<30:
		return fmt.Errorf("-size %d: want 2 to 1073741824", size)
	}
	token := ""
	if tokenEnv != "" {
		if token = os.Getenv(tokenEnv); token == "" {
			return fmt.Errorf("-token-env %s: the variable is empty or not set", tokenEnv)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	start := time.Now()
	conns := make([]*slowloris.Conn, 0, n)
	for i := range n {
		h := http.Header{}
		if token != "" && i%2 == 0 {
			h.Set("Authorization", "Bearer "+token)
		}
		c, err := slowloris.Dial(ctx, addr, path, h, size, every)
		if err != nil {
			return fmt.Errorf("connection %d: %w", i+1, err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	fmt.Printf("opened %d in %.2f s\n", n, time.Since(start).Seconds())
	for _, c := range conns {
		select {
		case <-c.Closed():
		case <-ctx.Done():
		}
	}
	var held []time.Duration
	open := 0
	for _, c := range conns {
		d, isOpen := c.Held()
		if isOpen {
			open++
			continue
		}
		held = append(held, d)
	}
	slices.Sort(held)
	closed := len(held)
	if closed == 0 {
		fmt.Printf("closed 0 of %d; %d still open after %s\n", n, open, limit)
		return nil
	}
	fmt.Printf("closed %d of %d, the last %.1f s after the first was opened; held median %.1f s, longest %.1f s; %d still open after %s\n",
		closed, n, time.Since(start).Seconds(), held[closed/2].Seconds(), held[closed-1].Seconds(), open, limit)
	return nil
}
