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
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/fleet"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/server"
)

func newServeCmd() *cobra.Command {
	var (
		addr         string
		dbPath       string
		tokenEnv     string
		allowExecute bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run many journaled runs in one service, with an HTTP API",
		Long: `Serve the HTTP API (under /v1, described at /openapi.json) that starts, lists,
watches (Server-Sent Events), cancels, resumes and replays runs, all journaled in
--db. Every task kind that resumes can be submitted (maker submit, or POST /v1/runs).
Runs with the same provider model share its client-side limits (--rpm, --tpm).

On start, the runs the journal holds as running (a killed or stopped service left
them) resume by themselves. SIGTERM or Ctrl-C drains: running runs stop, their
decided steps are committed, and they resume when the service starts again.

With a postgres:// --db the service runs nothing itself: it queues runs for the
fleet's workers (maker worker, on any machine with the same --db), follows them
through the journal, and cancels them through the queue. Any number of services
may share the database. See docs/fleet.md.

Only a loopback address is served without a token: any other needs --token-env,
the environment variable that holds the bearer token every request must carry.`,
		Example: `  maker serve
  maker serve --db /var/lib/maker/maker.db
  MAKER_TOKEN=$(openssl rand -hex 16) maker serve --addr 0.0.0.0:7777 --token-env MAKER_TOKEN`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dbPath == "" {
				return usageErr("serve needs the journal: give --db")
			}
			token, err := serveToken(addr, tokenEnv)
			if err != nil {
				return err
			}
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelInfo}))
			return serve(cmd.Context(), serveConfig{addr: addr, db: dbPath, token: token, log: log, stderr: cmd.ErrOrStderr(), allowExecute: allowExecute})
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&addr, "addr", "127.0.0.1:7777", "address to listen on (a non-loopback one needs --token-env)")
	registerDB(fs, &dbPath)
	fs.StringVar(&tokenEnv, "token-env", "", "environment variable holding the bearer token requests must carry")
	fs.BoolVar(&allowExecute, "allow-execute", false, "accept task files with execute: a client may then run programs on this machine")
	return cmd
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
}

// serve runs the service until ctx ends, then drains.
func serve(ctx context.Context, c serveConfig) error {
	met := server.NewMetrics(prometheus.NewRegistry())
	b := runsBuilder{log: c.stderr, allowExecute: c.allowExecute}
	opts := runs.Options{OnStep: met.OnStep, Logger: c.log}
	if s := maker.JournalScheme(c.db); s == "postgres" || s == "postgresql" {
		// On PostgreSQL the service is a front end of the fleet: its
		// runs are queued for the workers (maker worker).
		if err := fleet.Prepare(ctx, c.db); err != nil {
			return err
		}
		opts.Fleet = fleetRuns{b: b, url: c.db}
	}
	mgr, err := runs.New(ctx, c.db, b, opts)
	if err != nil {
		return err
	}
	met.SetManager(mgr)
	srv := server.New(server.Config{
		Manager: mgr, Token: c.token, Metrics: met, Logger: c.log,
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
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	hs.RegisterOnShutdown(srv.StopStreams)
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
	c.log.Info("draining", "runs", len(mgr.Running()))
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = hs.Shutdown(sctx)
	if serveErr == nil {
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			serveErr = err
		}
	}
	if err := mgr.Shutdown(sctx); err != nil {
		return fmt.Errorf("drain: %w", err)
	}
	c.log.Info("stopped")
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}
