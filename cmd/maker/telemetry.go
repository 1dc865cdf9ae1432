package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker/telemetry"
)

// addTelemetry gives every command the --otel-endpoint flag and sets up
// OpenTelemetry before the command runs, from the flag or the standard
// OTEL_* variables (docs/observability.md); flushTelemetry, after it,
// sends what is left.
func addTelemetry(root *cobra.Command) {
	var endpoint string
	root.PersistentFlags().StringVar(&endpoint, "otel-endpoint", "", "export OpenTelemetry traces over OTLP/HTTP to this collector, e.g. http://localhost:4318 (default: OTEL_EXPORTER_OTLP_ENDPOINT; off when neither is set)")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		service := "maker"
		switch cmd.Name() {
		case "serve", "worker":
			service = "maker-" + cmd.Name()
		}
		stop, err := telemetry.Setup(cmd.Context(), telemetry.Options{Endpoint: endpoint, Service: service})
		if err != nil {
			return usageErr("%v", err)
		}
		telemetryStop = stop
		return nil
	}
}

// telemetryStop flushes and stops the exporter Setup installed.
var telemetryStop = func(context.Context) error { return nil }

// flushTelemetry sends the spans still queued, waiting at most a few
// seconds for a collector that is slow or gone.
func flushTelemetry() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = telemetryStop(ctx)
}
