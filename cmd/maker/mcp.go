package main

import (
	"context"
	"io"
	"log/slog"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/maker-go/maker/mcp"
	"github.com/maker-go/maker/runs"
)

func newMCPCmd() *cobra.Command {
	var dbPath string
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve maker's tools to a coding agent over MCP (stdio)",
		Long: `Speak the Model Context Protocol on stdin and stdout, for a coding agent that
starts maker as an MCP server: tools to measure a model (calibrate), plan a run
(plan), start one (start_run), follow it (get_run, list_runs), stop and continue it
(cancel_run, resume_run) and re-decide it with another k (replay). Runs are
journaled in --db and run in this process while the agent's session lasts; when it
ends they stop with their decided steps committed, and resume the next time maker
mcp or maker serve opens the journal. For runs that outlive the agent's session,
point the agent at a running maker serve's /mcp instead (streamable HTTP).

Logs go to stderr; stdout carries only the protocol, one JSON-RPC message a
line. A line that is not one message (not JSON, a batch, or longer than 4 MiB)
is answered with a JSON-RPC error (-32700 parse error or -32600 invalid
request) and the session goes on.`,
		Example: `  maker mcp
  maker mcp --db ~/maker.db
  claude mcp add maker -- maker mcp --db ~/maker.db`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dbPath == "" {
				return usageErr("mcp needs the journal: give --db")
			}
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelInfo}))
			return serveMCP(cmd.Context(), dbPath, mcp.StdioTransport(cmd.InOrStdin(), cmd.OutOrStdout()), cmd.ErrOrStderr(), log)
		},
	}
	runs.RegisterDB(cmd.Flags(), &dbPath)
	return cmd
}

// serveMCP serves the MCP tools over t until the client goes or ctx ends,
// then drains the runs as maker serve does.
func serveMCP(ctx context.Context, db string, t sdk.Transport, stderr io.Writer, log *slog.Logger) error {
	mgr, err := runs.New(ctx, db, &runs.Runner{Log: stderr}, runs.Options{Logger: log})
	if err != nil {
		return err
	}
	if ids, err := mgr.Recover(ctx); err != nil {
		log.Warn("recovery", "err", err)
	} else if len(ids) > 0 {
		log.Info("resumed runs left running", "runs", len(ids))
	}
	err = mcp.NewServer(mgr, log).Run(ctx, t)
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if derr := mgr.Shutdown(sctx); derr != nil && err == nil {
		err = derr
	}
	if ctx.Err() != nil {
		return nil // stopped by a signal: drained
	}
	return err
}
