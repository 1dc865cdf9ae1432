package runs

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/maker-go/maker"
)

// runDescription is how the journal records what a run was started with:
// the engine, model and budget settings by what they set, not by the flags
// that set them, so a journal outlives a renamed flag and a front end other
// than the command line can write and resume one. The task itself is the
// run's kind and params (see [Kind.Open]).
type runDescription struct {
	// Format tells this layout from the older map of flag values.
	Format int `json:"format"`
	// K is the vote margin the run resolved (auto is planned once).
	K            int              `json:"k"`
	Model        modelDescription `json:"model"`
	Target       float64          `json:"target"`
	P            float64          `json:"p,omitempty"`
	MaxTokens    int              `json:"max_tokens"`
	MinChars     int              `json:"min_chars"`
	Concurrency  int              `json:"concurrency,omitempty"`
	MaxSamples   int              `json:"max_samples"`
	Temperatures tempDescription  `json:"temperatures"`
	Batch        bool             `json:"batch"`
	// Speculate is how many undecided steps ahead the run votes.
	Speculate int               `json:"speculate,omitempty"`
	Prices    priceDescription  `json:"prices"`
	Budget    budgetDescription `json:"budget"`
	// Report is the HTML report the run writes when it ends.
	Report string `json:"report,omitempty"`
	// OnNoConsensus is the policy for a step without consensus ("" for
	// the task's own); Approval, the approval of each action (approve.go).
	OnNoConsensus string               `json:"on_no_consensus,omitempty"`
	Approval      *approvalDescription `json:"approval,omitempty"`
	// NoStructured says the run sent no answer schema (--structured=false);
	// runs journaled before the setting existed sent one where they could.
	NoStructured bool `json:"no_structured,omitempty"`
}

// runDescriptionFormat is the Format of runDescription.
const runDescriptionFormat = 2

// modelDescription opens the model: the simulator's settings or a
// provider's endpoint and transport. The key itself is never stored, only
// the variable that holds it.
type modelDescription struct {
	Name      string  `json:"name"`
	BaseURL   string  `json:"base_url,omitempty"`
	APIKeyEnv string  `json:"api_key_env,omitempty"`
	Timeout   string  `json:"timeout,omitempty"`
	Seed      uint64  `json:"sim_seed"`
	ErrorRate float64 `json:"sim_error_rate"`
	Latency   string  `json:"sim_latency,omitempty"`
	RPM       float64 `json:"rpm,omitempty"`
	TPM       float64 `json:"tpm,omitempty"`
	Retries   int     `json:"retries"`
	RetryWait string  `json:"retry_wait"`
}

type tempDescription struct {
	First float64 `json:"first"`
	Rest  float64 `json:"rest"`
}

type priceDescription struct {
	InPerMTok  float64 `json:"in_per_mtok,omitempty"`
	OutPerMTok float64 `json:"out_per_mtok,omitempty"`
}

type budgetDescription struct {
	MaxCostUSD      float64 `json:"max_cost_usd,omitempty"`
	MaxSamplesTotal int64   `json:"max_samples_total,omitempty"`
	MaxWall         string  `json:"max_wall,omitempty"`
}

// describe is the description of a run started with f at margin k.
func (f *Flags) describe(k int) runDescription {
	dur := func(d time.Duration) string {
		if d == 0 {
			return ""
		}
		return d.String()
	}
	return runDescription{
		Format: runDescriptionFormat,
		K:      k,
		Model: modelDescription{
			Name: f.model, BaseURL: maker.RedactURL(f.baseURL), APIKeyEnv: f.apiKeyEnv, Timeout: dur(f.timeout),
			Seed: f.seed, ErrorRate: f.simError, Latency: dur(f.simLatency),
			RPM: f.rpm, TPM: f.tpm, Retries: f.retries, RetryWait: f.retryWait.String(),
		},
		Target: f.target, P: f.p, MaxTokens: f.maxTokens, MinChars: f.minChars,
		Concurrency: f.concurrency, MaxSamples: f.maxSamples,
		Temperatures:  tempDescription{First: f.temp0, Rest: f.temp},
		Batch:         f.batch,
		Speculate:     f.speculate,
		Prices:        priceDescription{InPerMTok: f.priceIn, OutPerMTok: f.priceOut},
		Budget:        budgetDescription{MaxCostUSD: f.maxCost, MaxSamplesTotal: f.maxSamplesT, MaxWall: dur(f.maxWall)},
		Report:        f.report,
		OnNoConsensus: f.onNoConsensus,
		Approval:      f.approval.describe(),
		NoStructured:  !f.structured,
	}
}

// Flags rebuilds the settings of a described run.
func (d runDescription) flags() (*Flags, error) {
	if d.K < 1 {
		return nil, fmt.Errorf("journaled k is %d", d.K)
	}
	f := &Flags{
		model: d.Model.Name, k: strconv.Itoa(d.K), target: d.Target, p: d.P,
		maxTokens: d.MaxTokens, minChars: d.MinChars, concurrency: d.Concurrency, maxSamples: d.MaxSamples,
		seed: d.Model.Seed, simError: d.Model.ErrorRate, temp0: d.Temperatures.First, temp: d.Temperatures.Rest,
		baseURL: d.Model.BaseURL, apiKeyEnv: d.Model.APIKeyEnv, batch: d.Batch, speculate: d.Speculate,
		priceIn: d.Prices.InPerMTok, priceOut: d.Prices.OutPerMTok,
		maxCost: d.Budget.MaxCostUSD, maxSamplesT: d.Budget.MaxSamplesTotal, report: d.Report,
		rpm: d.Model.RPM, tpm: d.Model.TPM, retries: d.Model.Retries,
		onNoConsensus: d.OnNoConsensus, structured: !d.NoStructured,
	}
	var err error
	if f.approval, err = d.Approval.flags(); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		name string
		s    string
		to   *time.Duration
	}{
		{"timeout", d.Model.Timeout, &f.timeout},
		{"sim_latency", d.Model.Latency, &f.simLatency},
		{"retry_wait", d.Model.RetryWait, &f.retryWait},
		{"max_wall", d.Budget.MaxWall, &f.maxWall},
	} {
		if p.s == "" {
			continue
		}
		v, err := time.ParseDuration(p.s)
		if err != nil {
			return nil, fmt.Errorf("journaled %s: %w", p.name, err)
		}
		*p.to = v
	}
	return f, nil
}

// journaledFlags rebuilds the settings of a journaled run from either the
// description or, for runs journaled before it, the map of flag values.
func journaledFlags(config json.RawMessage) (*Flags, error) {
	var probe struct {
		Format int `json:"format"`
	}
	if err := json.Unmarshal(config, &probe); err != nil {
		return nil, fmt.Errorf("journaled config: %w", err)
	}
	if probe.Format == 0 {
		var stored storedConfig
		if err := json.Unmarshal(config, &stored); err != nil {
			return nil, fmt.Errorf("journaled config: %w", err)
		}
		return stored.flags()
	}
	if probe.Format != runDescriptionFormat {
		return nil, fmt.Errorf("journaled config has format %d; this maker reads format %d", probe.Format, runDescriptionFormat)
	}
	var d runDescription
	if err := json.Unmarshal(config, &d); err != nil {
		return nil, fmt.Errorf("journaled config: %w", err)
	}
	return d.flags()
}
