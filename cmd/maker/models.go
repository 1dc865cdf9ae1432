package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/local"
	"github.com/maker-go/maker/provider"
)

func newModelsCmd() *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "models [provider]",
		Short: "List the providers, or a provider's known models and prices",
		Long: `Without an argument, list the registered providers with their default endpoint and
the environment variable their API key is read from. With a provider, list the
models the price catalog (catwalk, shipped inside the binary) knows for it, in US
dollars per million tokens; "maker models local" lists the models that run in
this process. A model missing here still runs: its cost is reported
as 0 unless --price-in and --price-out are given.`,
		Example: `  maker models
  maker models openai
  maker models local
  maker models openrouter --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return listProviders(cmd, jsonOut)
			}
			return listModels(cmd, strings.TrimSuffix(args[0], "/"), jsonOut)
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	return cmd
}

// describe returns what is known about a registered prefix.
func describe(prefix string) provider.Description {
	if d, ok := provider.Described(prefix); ok {
		return d
	}
	return provider.Description{Prefix: prefix, Catalog: prefix}
}

func listModels(cmd *cobra.Command, name string, jsonOut bool) error {
	w := cmd.OutOrStdout()
	if !isProvider(name) {
		return usageErr("unknown provider %q (known: %s)", name, strings.Join(maker.Providers(), ", "))
	}
	if name == local.Prefix {
		return listLocal(cmd, jsonOut)
	}
	d := describe(name)
	if d.Local {
		fmt.Fprintf(w, "%s runs models locally at %s: no per-token charge; ask the server which models it has.\n", name, d.BaseURL)
		return nil
	}
	models := provider.Catalog(d.Catalog)
	if len(models) == 0 {
		fmt.Fprintf(w, "the price catalog lists no models for %s; give --price-in and --price-out to count cost\n", name)
		return nil
	}
	if jsonOut {
		return json.NewEncoder(w).Encode(models)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "model\tin $/Mtok\tcached in\tout $/Mtok\tcontext")
	for _, m := range models {
		cached := "-"
		if m.Pricing.CachedInPerMTok > 0 {
			cached = fmt.Sprintf("%.4g", m.Pricing.CachedInPerMTok)
		}
		fmt.Fprintf(tw, "%s/%s\t%.4g\t%s\t%.4g\t%d\n", name, m.ID, m.Pricing.InPerMTok, cached, m.Pricing.OutPerMTok, m.ContextWindow)
	}
	return tw.Flush()
}

// listLocal lists the models that run in this process.
func listLocal(cmd *cobra.Command, jsonOut bool) error {
	models, err := local.Committed(cmd.Context())
	if err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	if jsonOut {
		if models == nil {
			models = []local.Info{}
		}
		return json.NewEncoder(w).Encode(models)
	}
	if len(models) == 0 {
		fmt.Fprintf(w, "no model is committed under models/hanoitiny; %s/PATH.safetensors runs a weight file\n", local.Prefix)
		return nil
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "model\tparameters\td_model\tlayers\theads\tseed\ttrain steps\ttrain CPU-minutes\theld out")
	for _, m := range models {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%s\n", m.Name, m.Params, m.DModel, m.Layers, m.Heads, orDash(m.Seed), orDash(m.Steps), orDash(m.CPUMin), orDash(m.HeldOut))
	}
	fmt.Fprintf(tw, "(in this process, no key and no charge; run Hanoi with --prompt-file models/hanoitiny/prompt.tmpl)\n")
	return tw.Flush()
}

func isProvider(name string) bool {
	for _, p := range maker.Providers() {
		if p == name {
			return true
		}
	}
	return false
}

// providerRow is one line of `maker models`.
type providerRow struct {
	provider.Description
	Models int `json:"catalog_models"`
}

func listProviders(cmd *cobra.Command, jsonOut bool) error {
	var rows []providerRow
	for _, prefix := range maker.Providers() {
		d := describe(prefix)
		r := providerRow{Description: d}
		if !d.Local {
			r.Models = len(provider.Catalog(d.Catalog))
		}
		rows = append(rows, r)
	}
	w := cmd.OutOrStdout()
	if jsonOut {
		return json.NewEncoder(w).Encode(rows)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "provider\tendpoint\tAPI key from\tpriced models\tabout")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s/\t%s\t%s\t%d\t%s\n", r.Prefix, orDash(r.BaseURL), orDash(r.KeyEnv), r.Models, r.About)
	}
	fmt.Fprintln(tw, "sim\t(built in)\t-\t-\tthe simulated model: no LLM is called")
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
