package postgres_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/maker-go/maker/internal/pgtest"
	"github.com/maker-go/maker/postgres"
	"github.com/maker-go/maker/provider"
)

// openDB opens the journal at url, closed when the test ends.
func openDB(t *testing.T, url string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// jitter is how late a Wait may return after its slot: the reply's way
// back over loopback and the wake-up of a sleeping goroutine, which on a
// two-core machine loaded several times over (a CI run beside stress)
// took over 100 ms.
// The pacer's own clocks (the server's microseconds, Go's monotonic
// nanoseconds) are far finer. A grant is never early: the server reads its
// clock before it replies, so the error is one-sided.
const jitter = 250 * time.Millisecond

// TestPacerSpacesRequestsAcrossHandles has two handles on one database,
// as two workers would hold, wait under one budget of 600 requests a
// minute from six goroutines each, and checks that the grants, taken
// together, come one every 100ms: any k+1 of them span at least k times
// 100ms (less one jitter), so no minute could hold more than 600, and the
// count over the whole time is what that rate allows.
func TestPacerSpacesRequestsAcrossHandles(t *testing.T) {
	url := pgtest.Database(t)
	pacers := []*postgres.DB{openDB(t, url), openDB(t, url)}
	const rpm, span = 600, 3 * time.Second
	spacing := time.Minute / rpm
	ctx, cancel := context.WithTimeout(context.Background(), span)
	defer cancel()
	var mu sync.Mutex
	var grants []time.Time
	var wg sync.WaitGroup
	start := time.Now()
	for _, db := range pacers {
		p := db.Pacer()
		for range 6 {
			wg.Go(func() {
				for {
					err := p.Wait(ctx, "acme/m http://llm.example/v1", rpm, 0, 100)
					if err != nil {
						if !errors.Is(err, context.DeadlineExceeded) {
							t.Error(err)
						}
						return
					}
					mu.Lock()
					grants = append(grants, time.Now())
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	slices.SortFunc(grants, func(a, b time.Time) int { return a.Compare(b) })
	for i := range grants {
		for j := i + 1; j < len(grants); j++ {
			if gap, least := grants[j].Sub(grants[i]), time.Duration(j-i)*spacing-jitter; gap < least {
				t.Fatalf("grants %d and %d are %s apart, want at least %s", i, j, gap, least)
			}
		}
	}
	// The slots are 0, 100ms, ... from the first grant: 30 fit in 3s. The
	// first one comes after the budget's row is made, and the last may
	// lose its race with the deadline.
	if n, most := len(grants), int(span/spacing); n > most || n < most-4 {
		t.Errorf("%d grants in %s at %d a minute, want %d to %d", n, span, rpm, most-4, most)
	}
	t.Logf("%d grants in %s; first after %s; closest two %s apart", len(grants), span, grants[0].Sub(start).Round(time.Millisecond), closest(grants))
}

// closest is the smallest gap between consecutive times.
func closest(ts []time.Time) time.Duration {
	least := time.Duration(1<<63 - 1)
	for i := 1; i < len(ts); i++ {
		least = min(least, ts[i].Sub(ts[i-1]))
	}
	return least
}

// TestPacerTokens checks the token budget: a minute's tokens may go at
// once, then they come at the budget's rate; and a request estimated at
// more than a minute's tokens is charged a minute's, so it is let through
// rather than held forever.
func TestPacerTokens(t *testing.T) {
	db := openDB(t, pgtest.Database(t))
	p := db.Pacer()
	const tpm, each = 6000, 700 // 100 tokens a second
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	var mu sync.Mutex
	firstSecond := 0
	start := time.Now()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for p.Wait(ctx, "tokens", 0, tpm, each) == nil {
				if time.Since(start) <= time.Second {
					mu.Lock()
					firstSecond += each
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	// A minute's burst is 8 requests of 700 (5600); the ninth needs 400
	// more tokens, 4s at 100 a second.
	if firstSecond > tpm+each || firstSecond < tpm-each {
		t.Errorf("%d tokens granted in the first second, want the burst of about %d and at most %d", firstSecond, tpm, tpm+each)
	}
	t.Logf("%d tokens granted in the first second at %d a minute", firstSecond, tpm)

	big, cancel1 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel1()
	begin := time.Now()
	if err := p.Wait(big, "huge", 0, tpm, 3*tpm); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(begin); el > time.Second {
		t.Errorf("a request over a minute's tokens waited %s on a fresh budget", el)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	if err := p.Wait(short, "huge", 0, tpm, tpm/2); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("after a minute's tokens, half a minute's more went at once: %v", err)
	}

	// Both limits: two requests of half a minute's tokens go 100ms apart
	// (600 a minute), the third waits for tokens (30s).
	begin = time.Now()
	for i := range 2 {
		if err := p.Wait(big, "both", 600, tpm, tpm/2); err != nil {
			t.Fatal(err)
		}
		if el := time.Since(begin); el < time.Duration(i)*100*time.Millisecond || el > time.Second {
			t.Errorf("request %d under both limits came after %s, want %dms", i, el, i*100)
		}
	}
	third, cancel3 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel3()
	if err := p.Wait(third, "both", 600, tpm, tpm/2); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a third request of half a minute's tokens went at once: %v", err)
	}
}

// TestPacerCancel checks that a Wait returns promptly when its ctx ends,
// that the slot it reserved stays taken, and that separate keys keep
// separate budgets.
func TestPacerCancel(t *testing.T) {
	url := pgtest.Database(t)
	db := openDB(t, url)
	p := db.Pacer()
	bg := context.Background()
	const rpm = 6 // one request every 10s
	if err := p.Wait(bg, "a", rpm, 0, 1); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(bg)
	time.AfterFunc(100*time.Millisecond, cancel)
	begin := time.Now()
	err := p.Wait(ctx, "a", rpm, 0, 1)
	if el := time.Since(begin); !errors.Is(err, context.Canceled) || el > time.Second {
		t.Fatalf("a cancelled Wait returned %v after %s, want context.Canceled at once", err, el)
	}
	conn, err := pgx.Connect(bg, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(bg)
	var ahead float64
	if err := conn.QueryRow(bg, `SELECT extract(epoch FROM tat_req - clock_timestamp())::float8 FROM pace WHERE key = 'a'`).Scan(&ahead); err != nil {
		t.Fatal(err)
	}
	if ahead < 15 {
		t.Errorf("the next request of key a is due in %.1fs, want about 20s: the cancelled slot was given back", ahead)
	}
	for _, key := range []string{"b", "a " + strings.Repeat("x", 300)} {
		begin = time.Now()
		if err := p.Wait(bg, key, rpm, 0, 1); err != nil || time.Since(begin) > time.Second {
			t.Errorf("key %.10q waited %s (%v) on a budget it does not share", key, time.Since(begin), err)
		}
	}
	tctx, cancel3 := context.WithTimeout(bg, 100*time.Millisecond)
	defer cancel3()
	if err := p.Wait(tctx, "b", rpm, 0, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("key b's second request went at once: %v", err)
	}
}

// TestPacerFailures checks the pacer of a read-only journal, and of a
// database that cannot be reached: an error without the password, which
// the provider's retries see as a lost connection.
func TestPacerFailures(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	openDB(t, url)
	ro, err := postgres.OpenReadOnly(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.Pacer().Wait(ctx, "k", 60, 0, 1); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("a read-only journal's pacer: %v", err)
	}
	if again, _ := provider.Retryable(ro.Pacer().Wait(ctx, "k", 60, 0, 1)); again {
		t.Error("a read-only journal's pacer error is retried")
	}

	px := newProxy(t, url)
	db := openDB(t, px.url)
	p := db.Pacer()
	if err := p.Wait(ctx, "k", 60, 0, 1); err != nil {
		t.Fatal(err)
	}
	px.stop()
	for i := range 2 {
		err := p.Wait(ctx, "k", 6000, 0, 1)
		if err == nil {
			t.Fatalf("Wait %d with the database gone succeeded", i)
		}
		if secret := pgtest.Secret(); secret != "" && strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows the password: %v", err)
		}
		t.Logf("Wait %d with the database gone: %v", i, err)
		if again, _ := provider.Retryable(err); !again {
			t.Errorf("Wait %d with the database gone: %v; want an error the provider's retries take as a lost connection", i, err)
		}
	}
}

// proxy forwards loopback connections to the test's server until stopped,
// and then refuses them, as a server that went away does.
type proxy struct {
	url  string
	ln   net.Listener
	mu   sync.Mutex
	conn []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	px := &proxy{ln: ln}
	to := u.Host
	u.Host = ln.Addr().String()
	px.url = u.String()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", to)
			if err != nil {
				c.Close()
				continue
			}
			px.mu.Lock()
			px.conn = append(px.conn, c, s)
			px.mu.Unlock()
			go func() { _, _ = io.Copy(s, c); s.Close() }()
			go func() { _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
	t.Cleanup(px.stop)
	return px
}

// stop closes the listener and every connection through it.
func (px *proxy) stop() {
	px.ln.Close()
	px.mu.Lock()
	defer px.mu.Unlock()
	for _, c := range px.conn {
		c.Close()
	}
	px.conn = nil
}
