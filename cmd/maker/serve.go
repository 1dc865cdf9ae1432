package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/fleet"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/server"
	"github.com/maker-go/maker/taskfile"
)

func newServeCmd() *cobra.Command {
	var (
		addr         string
		dbPath       string
		tokenEnv     string
		allowExecute bool
		allowDirs    []string
		allowHosts   []string
		secureCookie bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run many journaled runs in one service, with an HTTP API",
		Long: `Serve the HTTP API (under /v1, described at /openapi.json) that starts, lists,
watches (Server-Sent Events), cancels, resumes and replays runs, all journaled in
--db. Every task kind that resumes can be submitted (maker submit, or POST /v1/runs).
Runs with the same provider model share its client-side limits (--rpm, --tpm).

On start, the runs the journal holds as running (a killed or stopped service left
them) resume by themselves. SIGTERM or Ctrl-C drains: running runs stop at once,
their decided steps are committed, and they resume when the service starts again;
requests still going after 1 s have their connections closed.

With a postgres:// --db the service runs nothing itself: it queues runs for the
fleet's workers (maker worker, on any machine with the same --db), follows them
through the journal, and cancels them through the queue. Any number of services
may share the database. See docs/fleet.md.

A client's task file brings its data files with it (maker submit sends them):
the service looks no path up on its own disk unless --allow-dir names the
directory, and runs a task file's program (--allow-execute) only from such a
directory.

Only a loopback address is served without a token: any other needs --token-env,
the environment variable that holds the bearer token every request must carry.

Every request must name the service in its Host header: localhost, 127.0.0.1,
[::1], the --addr host or the address the client dialled, on any port, or a name
given with --allow-host (a page whose DNS name was rebound to this machine is
answered 421). Behind a proxy, give the name clients use: --allow-host
maker.example.com, and --secure-cookie if the proxy terminates TLS. A client must
send its request within 30 s (headers within 10 s); an idle connection is closed
after 60 s, and an event stream whose client reads nothing for 30 s. See
docs/service.md, "Security model".`,
		Example: `  maker serve
  maker serve --db /var/lib/maker/maker.db
  MAKER_TOKEN=$(openssl rand -hex 16) maker serve --addr 0.0.0.0:7777 --token-env MAKER_TOKEN
  maker serve --token-env MAKER_TOKEN --allow-host maker.example.com --secure-cookie   # behind a TLS proxy`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dbPath == "" {
				return usageErr("serve needs the journal: give --db")
			}
			token, err := serveToken(addr, tokenEnv)
			if err != nil {
				return err
			}
			hosts, err := serveHosts(addr, allowHosts)
			if err != nil {
				return err
			}
			dirs, err := serveDirs(allowDirs)
			if err != nil {
				return err
			}
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelInfo}))
			return serve(cmd.Context(), serveConfig{addr: addr, db: dbPath, token: token, log: log, stderr: cmd.ErrOrStderr(),
				allowExecute: allowExecute, allowDirs: dirs, allowHosts: hosts, secureCookie: secureCookie})
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&addr, "addr", "127.0.0.1:7777", "address to listen on (a non-loopback one needs --token-env)")
	runs.RegisterDB(fs, &dbPath)
	fs.StringVar(&tokenEnv, "token-env", "", "environment variable holding the bearer token requests must carry")
	fs.BoolVar(&allowExecute, "allow-execute", false, "accept task files with execute: a client may then run programs on this machine, from a directory --allow-dir allows")
	fs.StringArrayVar(&allowDirs, "allow-dir", nil, "a directory whose files (inputs, expected_file) and programs (execute, with --allow-execute) a client's task file may name; repeatable (by default it may name none: a client sends the data files with the task file)")
	fs.StringArrayVar(&allowHosts, "allow-host", nil, "a name (or name:port) clients may give in the Host header besides localhost, 127.0.0.1, [::1] and the listen address, e.g. the proxy's public name; repeatable (others are answered 421)")
	fs.BoolVar(&secureCookie, "secure-cookie", false, "mark the dashboard's session cookie Secure although this service speaks plain HTTP: behind a proxy that terminates TLS")
	return cmd
}

// serveHosts is the Host allow-list beyond the server's own loopback
// names: the --addr host when it is a name or a specific address (not a
// wildcard), and every --allow-host, checked to be a host name or
// address with an optional port.
func serveHosts(addr string, allow []string) ([]string, error) {
	var hosts []string
	if host, _, err := net.SplitHostPort(addr); err == nil && host != "" {
		if ip := net.ParseIP(host); ip == nil || !ip.IsUnspecified() {
			hosts = append(hosts, host)
		}
	}
	for _, h := range allow {
		name := h
		if n, port, err := net.SplitHostPort(h); err == nil {
			if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
				return nil, usageErr("--allow-host %q: the port must be a number from 1 to 65535", h)
			}
			name = n
		}
		name = strings.Trim(name, "[]")
		if name == "" || strings.ContainsAny(name, "/ \t@?#,") {
			return nil, usageErr("--allow-host %q: want a host name or address, with an optional :port (maker.example.com, 192.0.2.7:8443)", h)
		}
		hosts = append(hosts, h)
	}
	return hosts, nil
}

// serveDirs are the --allow-dir directories, each absolute with its
// symbolic links resolved, so that a path a task file names is checked
// against where the files really are.
func serveDirs(dirs []string) ([]string, error) {
	var out []string
	for _, d := range dirs {
		real, err := taskfile.AllowDir(d)
		if err != nil {
			return nil, usageErr("--allow-dir %q: %v", d, err)
		}
		out = append(out, real)
	}
	return out, nil
}

// serveToken is the bearer token the server requires: none on a loopback
// address without --token-env; any other address must have one.
func serveToken(addr, env string) (string, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", usageErr("--addr %q: %v", addr, err)
	}
	if env == "" {
		if !loopback(host) {
			return "", usageErr("--addr %s is not a loopback address: serving it needs a bearer token, give --token-env VAR (the variable that holds it)", addr)
		}
		return "", nil
	}
	token := os.Getenv(env)
	if token == "" {
		return "", usageErr("--token-env %s: the variable is empty or not set", env)
	}
	if len(token) < 16 {
		return "", usageErr("--token-env %s: the token is shorter than 16 characters", env)
	}
	return token, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

type serveConfig struct {
	addr, db, token string
	log             *slog.Logger
	stderr          io.Writer
	// allowExecute accepts task files whose steps run a program.
	allowExecute bool
	// allowDirs are the directories a client's task file may name files
	// and programs in (taskfile.Options.AllowDirs), resolved by serveDirs.
	allowDirs []string
	// allowHosts and secureCookie are server.Config's AllowHosts and
	// SecureCookie.
	allowHosts   []string
	secureCookie bool
	// timeouts are the server's; zero: server.DefaultTimeouts.
	timeouts server.Timeouts
}

// drainGrace is how long a drain lets requests in progress finish before
// their connections are closed: enough for an ordinary answer, far less
// than a slow client would like to hold on.
const drainGrace = time.Second

// closeHTTP stops hs: it takes no new connection, closes idle ones, gives
// the requests in progress grace to finish, then closes their connections
// whatever their clients are doing.
func closeHTTP(hs *http.Server, grace time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if hs.Shutdown(ctx) != nil {
		_ = hs.Close()
	}
}

// serve runs the service until ctx ends, then drains.
func serve(ctx context.Context, c serveConfig) error {
	met := server.NewMetrics(prometheus.NewRegistry())
	r := &runs.Runner{Log: c.stderr, AllowExecute: c.allowExecute, AllowDirs: c.allowDirs}
	opts := runs.Options{OnStep: met.OnStep, Logger: c.log}
	var fr *fleet.Runs
	if s := maker.JournalScheme(c.db); s == "postgres" || s == "postgresql" {
		// On PostgreSQL the service is a front end of the fleet: its
		// runs are queued for the workers (maker worker).
		r.Queue = fleet.Queue{}
		fr = &fleet.Runs{Runner: r}
		opts.Fleet = fr
	}
	mgr, err := runs.New(ctx, c.db, r, opts)
	if err != nil {
		return err
	}
	if fr != nil {
		if err := fr.Attach(ctx, mgr.DB()); err != nil {
			mgr.Shutdown(context.Background())
			return err
		}
	}
	met.SetManager(mgr)
	srv := server.New(server.Config{
		Manager: mgr, Token: c.token, Metrics: met, Logger: c.log,
		AllowHosts: c.allowHosts, SecureCookie: c.secureCookie, Timeouts: c.timeouts, Prompt: runs.JournaledPrompt,
		Report: func(ctx context.Context, id string, w io.Writer) error {
			run, err := mgr.DB().Run(ctx, id)
			if err != nil {
				return err
			}
			_, err = writeReport(ctx, mgr.DB(), run, w, 0, io.Discard)
			return err
		},
	})
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		mgr.Shutdown(context.Background())
		return usageErr("listen on %s: %v", c.addr, err)
	}
	hs := srv.HTTPServer()
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	c.log.Info("serving", "url", "http://"+ln.Addr().String(), "journal", maker.RedactLocation(c.db), "token", c.token != "")
	if ids, err := mgr.Recover(ctx); err != nil {
		c.log.Warn("recovery", "err", err)
	} else if len(ids) > 0 {
		c.log.Info("resumed runs left running", "runs", len(ids))
	}
	var serveErr error
	select {
	case serveErr = <-done:
	case <-ctx.Done():
	}
	// The runs stop at once, whatever the clients do: their samples in
	// flight are cancelled and their decided steps committed, while the
	// HTTP side closes.
	c.log.Info("draining", "runs", len(mgr.Running()))
	stopped := make(chan error, 1)
	go func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		stopped <- mgr.Shutdown(sctx)
	}()
	closeHTTP(hs, drainGrace)
	if serveErr == nil {
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			serveErr = err
		}
	}
	if err := <-stopped; err != nil {
		return fmt.Errorf("drain: %w", err)
	}
	c.log.Info("stopped")
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}
