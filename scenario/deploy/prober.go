package deploy

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Prober keeps calling every service through its load balancer while a
// deployment runs, and records every request that failed. It is bounded in
// requests and in time, so a run that hangs cannot make it run forever.
type Prober struct {
	total, failed atomic.Int64
	mu            sync.Mutex
	failures      []Failure
	cancel        context.CancelFunc
	wg            sync.WaitGroup
}

// Failure is one failed probe.
type Failure struct {
	Service string    `json:"service"`
	At      time.Time `json:"at"`
	Error   string    `json:"error"`
}

// ProbeReport is what the prober saw.
type ProbeReport struct {
	Requests int64     `json:"requests"`
	Failed   int64     `json:"failed"`
	Failures []Failure `json:"failures,omitempty"` // the first ones, at most 50
}

// StartProber probes every URL (service name to load balancer) every
// interval, until Stop, until maxRequests probes in all, or until maxWall.
func StartProber(urls map[string]string, interval time.Duration, maxRequests int64, maxWall time.Duration) *Prober {
	ctx, cancel := context.WithTimeout(context.Background(), maxWall)
	p := &Prober{cancel: cancel}
	client := &http.Client{Timeout: 5 * time.Second}
	for name, url := range urls {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			t := time.NewTicker(interval)
			defer t.Stop()
			for {
				if p.total.Add(1) > maxRequests {
					p.total.Add(-1)
					return
				}
				if err := probe(ctx, client, url, name); err != nil && ctx.Err() == nil {
					p.failed.Add(1)
					p.mu.Lock()
					if len(p.failures) < 50 {
						p.failures = append(p.failures, Failure{Service: name, At: time.Now(), Error: err.Error()})
					}
					p.mu.Unlock()
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
	return p
}

func probe(ctx context.Context, client *http.Client, url, name string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(b), name+" ") {
		return fmt.Errorf("status %d: %s", resp.StatusCode, strings.TrimSpace(string(b)))
	}
	return nil
}

// Stop ends the probing and reports.
func (p *Prober) Stop() ProbeReport {
	p.cancel()
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	return ProbeReport{Requests: p.total.Load(), Failed: p.failed.Load(), Failures: append([]Failure(nil), p.failures...)}
}
