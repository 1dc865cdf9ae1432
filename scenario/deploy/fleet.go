package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Fleet is the running system: every instance an HTTP server on
// 127.0.0.1, every service a load balancer in front of the instances in
// its rotation.
type Fleet struct {
	in       *Instance
	services []*service
	client   *http.Client
}

type service struct {
	name  string
	nodes []*node
	lb    *balancer
}

// node is one instance: a server that answers /health, /version and /.
type node struct {
	svc      string
	mu       sync.Mutex
	version  string
	srv      *http.Server
	addr     string
	inflight sync.WaitGroup
}

func (n *node) start(version string, healthy bool) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		if !healthy {
			http.Error(w, "unhealthy", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("GET /version", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, version) })
	mux.HandleFunc("GET /", func(w http.ResponseWriter, _ *http.Request) {
		if !healthy {
			http.Error(w, "unhealthy", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "%s %s", n.svc, version)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	n.mu.Lock()
	n.srv, n.addr, n.version = srv, ln.Addr().String(), version
	n.mu.Unlock()
	return nil
}

// stop shuts the server down gracefully: requests in flight finish. A
// drained instance has none, so this is quick; connections that carry no
// request (a dial the balancer made and never used) are cut after a
// moment instead of the five seconds net/http would give them.
func (n *node) stop() error {
	n.mu.Lock()
	srv := n.srv
	n.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	err := srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return srv.Close()
	}
	return err
}

func (n *node) address() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.addr
}

// balancer routes each request round-robin to an instance in rotation,
// and answers 503 when none is.
type balancer struct {
	svc      string
	mu       sync.Mutex
	rotation []*node
	next     int
	client   *http.Client
	srv      *http.Server
	url      string
}

func (b *balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	if len(b.rotation) == 0 {
		b.mu.Unlock()
		http.Error(w, "no instance in rotation", http.StatusServiceUnavailable)
		return
	}
	n := b.rotation[b.next%len(b.rotation)]
	b.next++
	n.inflight.Add(1)
	b.mu.Unlock()
	defer n.inflight.Done()
	req, err := http.NewRequestWithContext(r.Context(), r.Method, "http://"+n.address()+r.URL.Path, nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	resp, err := b.client.Do(req)
	if err != nil {
		http.Error(w, "upstream: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// remove takes n out of rotation and waits for the requests it is serving:
// connection draining.
func (b *balancer) remove(n *node) bool {
	b.mu.Lock()
	i := slices.Index(b.rotation, n)
	if i >= 0 {
		b.rotation = slices.Delete(b.rotation, i, i+1)
	}
	b.mu.Unlock()
	n.inflight.Wait()
	return i >= 0
}

func (b *balancer) add(n *node) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if slices.Contains(b.rotation, n) {
		return false
	}
	b.rotation = append(b.rotation, n)
	return true
}

func (b *balancer) in(n *node) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Contains(b.rotation, n)
}

// StartFleet starts every instance on the old version, in rotation, and
// the load balancers.
func StartFleet(in *Instance) (*Fleet, error) {
	f := &Fleet{in: in, client: &http.Client{Timeout: 5 * time.Second}}
	for _, s := range in.Services {
		sv := &service{name: s.Name}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			f.Close()
			return nil, err
		}
		sv.lb = &balancer{svc: s.Name, client: f.client, url: "http://" + ln.Addr().String()}
		sv.lb.srv = &http.Server{Handler: sv.lb, ReadHeaderTimeout: 5 * time.Second}
		go sv.lb.srv.Serve(ln)
		f.services = append(f.services, sv)
		for range s.Instances {
			n := &node{svc: s.Name}
			if err := n.start(in.From, true); err != nil {
				f.Close()
				return nil, err
			}
			sv.nodes = append(sv.nodes, n)
			sv.lb.add(n)
		}
	}
	return f, nil
}

// Close stops the balancers and the instances.
func (f *Fleet) Close() error {
	var errs []error
	for _, s := range f.services {
		errs = append(errs, s.lb.srv.Close())
		for _, n := range s.nodes {
			n.mu.Lock()
			if n.srv != nil {
				errs = append(errs, n.srv.Close())
			}
			n.mu.Unlock()
		}
	}
	return errors.Join(errs...)
}

// URLs are the load balancers' addresses by service, for the prober.
func (f *Fleet) URLs() map[string]string {
	m := map[string]string{}
	for _, s := range f.services {
		m[s.name] = s.lb.url
	}
	return m
}

// Versions are the versions the instances report now, by "svc/N".
func (f *Fleet) Versions() map[string]string {
	m := map[string]string{}
	for _, s := range f.services {
		for i, n := range s.nodes {
			n.mu.Lock()
			m[fmt.Sprintf("%s/%d", s.name, i+1)] = n.version
			n.mu.Unlock()
		}
	}
	return m
}

func (f *Fleet) drain(si, ni int) bool  { return f.services[si].lb.remove(f.services[si].nodes[ni]) }
func (f *Fleet) enable(si, ni int) bool { return f.services[si].lb.add(f.services[si].nodes[ni]) }
func (f *Fleet) inRotation(si, ni int) bool {
	return f.services[si].lb.in(f.services[si].nodes[ni])
}

// restart stops an instance and starts it on version; the instance's
// health is whatever that version's is.
func (f *Fleet) restart(si, ni int, version string) error {
	n := f.services[si].nodes[ni]
	if err := n.stop(); err != nil {
		return err
	}
	healthy := !(version == f.in.To && f.in.BadVersion == f.in.Services[si].Name)
	return n.start(version, healthy)
}

// check asks an instance directly for its health and version.
func (f *Fleet) check(ctx context.Context, si, ni int, want string) error {
	addr := f.services[si].nodes[ni].address()
	get := func(path string) (int, string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+path, nil)
		if err != nil {
			return 0, "", err
		}
		resp, err := f.client.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return resp.StatusCode, strings.TrimSpace(string(b)), err
	}
	code, body, err := get("/health")
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		return fmt.Errorf("/health answered %d %s", code, body)
	}
	if _, v, err := get("/version"); err != nil || v != want {
		return fmt.Errorf("/version answered %q (%v), want %s", v, err, want)
	}
	return nil
}
