package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/openai"
	"github.com/maker-go/maker/provider"
)

func init() { commands = append(commands, newModelsCmd) }

func newModelsCmd() *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "models [provider]",
		Short: "List the providers, or a provider's known models and prices",
		Long: `Without an argument, list the registered providers with their default endpoint and
the environment variable their API key is read from. With a provider, list the
models the price catalog (catwalk, shipped inside the binary) knows for it, in US
dollars per million tokens. A model missing here still runs: its cost is reported
as 0 unless --price-in and --price-out are given.`,
		Example: `  maker models
  maker models openai
  maker models openrouter --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w := cmd.OutOrStdout()
			if len(args) == 0 {
				return listProviders(cmd, jsonOut)
			}
			name := strings.TrimSuffix(args[0], "/")
			catalogID := name
			if p, ok := openai.PresetFor(name); ok {
				if p.Local {
					fmt.Fprintf(w, "%s runs models locally at %s: no per-token charge; ask the server which models it has.\n", name, p.BaseURL)
					return nil
				}
				catalogID = p.Catalog
			}
			models := provider.Catalog(catalogID)
			if len(models) == 0 {
				if !isProvider(name) {
					return usageErr("unknown provider %q (known: %s)", name, strings.Join(maker.Providers(), ", "))
				}
				fmt.Fprintf(w, "the price catalog lists no models for %s; give --price-in and --price-out to count cost\n", name)
				return nil
			}
			if jsonOut {
				return json.NewEncoder(w).Encode(models)
			}
			tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "model\tin $/Mtok\tcached in\tout $/Mtok\tcontext\t")
			for _, m := range models {
				cached := "-"
				if m.Pricing.CachedInPerMTok > 0 {
					cached = fmt.Sprintf("%.4g", m.Pricing.CachedInPerMTok)
				}
				fmt.Fprintf(tw, "%s/%s\t%.4g\t%s\t%.4g\t%d\t\n", name, m.ID, m.Pricing.InPerMTok, cached, m.Pricing.OutPerMTok, m.ContextWindow)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	return cmd
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
	Prefix  string `json:"prefix"`
	BaseURL string `json:"base_url,omitempty"`
	KeyEnv  string `json:"api_key_env,omitempty"`
	Models  int    `json:"catalog_models"`
	About   string `json:"about,omitempty"`
}

func listProviders(cmd *cobra.Command, jsonOut bool) error {
	var rows []providerRow
	for _, prefix := range maker.Providers() {
		r := providerRow{Prefix: prefix, Models: len(provider.Catalog(prefix))}
		if p, ok := openai.PresetFor(prefix); ok {
			r.BaseURL, r.KeyEnv, r.About = p.BaseURL, p.KeyEnv, p.About
			r.Models = len(provider.Catalog(p.Catalog))
			if p.Local {
				r.Models = 0
			}
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
		key := r.KeyEnv
		if key == "" {
			key = "-"
		}
		fmt.Fprintf(tw, "%s/\t%s\t%s\t%d\t%s\n", r.Prefix, orDash(r.BaseURL), key, r.Models, r.About)
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
