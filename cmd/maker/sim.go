package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

func newSimCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Tools around the simulated model",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newSimServeCmd())
	return cmd
}

// simOracles are the tasks whose default prompts the simulated server can
// read; a task that ships an oracle for HTTP prompts adds it here.
func simOracles() []maker.Oracle { return []maker.Oracle{hanoi.Oracle()} }

func newSimServeCmd() *cobra.Command {
	var (
		addr        string
		allowRemote bool
		seed        uint64
		rate        float64
		lat         time.Duration
		faults      sim.Faults
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the simulated model over an OpenAI-compatible HTTP API",
		Long: `Serve the simulated model behind POST /v1/chat/completions and GET /v1/models, so
that any OpenAI-compatible client can run against it with no LLM. It reads the
tasks' default prompts and answers with the same seeded error model as --model sim.
Every response says it is simulated: the model is "sim (simulated)" and the header
X-Maker-Simulated is true.

Fault injection makes it fail like a real provider, at the given rates per
request: 429 with Retry-After, 500, requests that hang past the client's timeout,
dropped connections and truncated bodies.

It listens on loopback only: an --addr reachable from other machines (":8765",
"0.0.0.0:8765") is refused unless --allow-remote is given. A client must send its
request within 30 s (headers within 10 s), and an idle connection is closed after
60 s; a body over 4 MiB is answered 413. A request for n choices takes one
latency, as a server that answers them in one batch does.`,
		Example: `  maker sim serve --addr 127.0.0.1:8765
  maker hanoi --disks 8 --k 3 --model vllm/sim --base-url http://127.0.0.1:8765/v1
  maker sim serve --fail-429 0.1 --fail-500 0.05 --fail-timeout 0.02 --fail-drop 0.01 --retry-after 1s`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := sim.DefaultConfig()
			cfg.Seed, cfg.ErrorRate, cfg.Latency = seed, rate, lat
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			srv, err := sim.NewServer(simOracles(), sim.ServerConfig{Model: cfg, Faults: faults, Logger: log})
			if err != nil {
				return usageErr("%v", err)
			}
			ln, err := sim.Listen(addr, allowRemote)
			if errors.Is(err, sim.ErrRemoteAddr) {
				return usageErr("--addr %v; the server has no authentication: use a loopback address such as 127.0.0.1:8765, or pass --allow-remote", err)
			}
			if err != nil {
				return usageErr("listen on %s: %v", addr, err)
			}
			log.Warn("serving the SIMULATED model: no LLM is called",
				"url", fmt.Sprintf("http://%s/v1", ln.Addr()), "model", sim.ServedModel,
				"seed", seed, "error_rate", rate,
				"fail_429", faults.RateLimit, "fail_500", faults.ServerError, "fail_timeout", faults.Timeout,
				"fail_drop", faults.Drop, "fail_truncate", faults.Truncate)
			hs := sim.HTTPServer(srv, sim.DefaultTimeouts)
			done := make(chan error, 1)
			go func() { done <- hs.Serve(ln) }()
			select {
			case err := <-done:
				return err
			case <-cmd.Context().Done():
			}
			// A slow or hung client is not waited for.
			closeHTTP(hs, drainGrace)
			if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			st := srv.Stats()
			log.Info("stopped", "requests", st.Requests, "completions", st.Completions,
				"rate_limited", st.RateLimited, "server_errors", st.ServerError,
				"timed_out", st.TimedOut, "dropped", st.Dropped, "truncated", st.Truncated,
				"busiest_minute", st.BusiestMinute)
			return nil
		},
	}
	d := sim.DefaultConfig()
	fl := cmd.Flags()
	fl.StringVar(&addr, "addr", "127.0.0.1:8765", "address to listen on (loopback only unless --allow-remote)")
	fl.BoolVar(&allowRemote, "allow-remote", false, "allow an --addr reachable from other machines (the server has no authentication)")
	fl.Uint64Var(&seed, "seed", d.Seed, "seed of the simulated model and of the faults")
	fl.Float64Var(&rate, "sim-error", d.ErrorRate, "per-sample error rate of the simulated model")
	fl.DurationVar(&lat, "sim-latency", 0, "median latency of a simulated sample")
	fl.Float64Var(&faults.RateLimit, "fail-429", 0, "share of requests answered 429 with Retry-After")
	fl.Float64Var(&faults.ServerError, "fail-500", 0, "share of requests answered 500")
	fl.Float64Var(&faults.Timeout, "fail-timeout", 0, "share of requests that hang until the client gives up")
	fl.Float64Var(&faults.Drop, "fail-drop", 0, "share of requests whose connection is closed without an answer")
	fl.Float64Var(&faults.Truncate, "fail-truncate", 0, "share of responses whose body is cut off half-way")
	fl.DurationVar(&faults.RetryAfter, "retry-after", time.Second, "wait a 429 asks for (Retry-After in whole seconds, retry-after-ms exact)")
	return cmd
}
