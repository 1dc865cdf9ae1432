package runs

import (
	"context"
	"strconv"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sim"
)

// modelEntry is one model of a --model list: "NAME" or "NAME=WEIGHT".
type modelEntry struct {
	name   string
	weight int // 0 when none was given
}

// parseModelList reads --model: one model, or an ensemble "a,b,c" with
// optional weights "a=2,b=1". A simulated model's parameters
// ("sim/a?error=0.01") contain '=' too: the weight is the last '=N' of an
// entry only where the text after the last '?' or '&' already has its own
// '=', so "sim/a?out_tokens=500" has no weight and "sim/a?error=0.01=2"
// has weight 2.
func parseModelList(s string) ([]modelEntry, error) {
	parts := strings.Split(s, ",")
	out := make([]modelEntry, 0, len(parts))
	seen := map[string]bool{}
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			return nil, usageErr("--model %q: an empty model name in the list", s)
		}
		e := modelEntry{name: p}
		if i := strings.LastIndexByte(p, '='); i >= 0 {
			last := p[strings.LastIndexAny(p, "?&")+1:]
			if !strings.ContainsAny(p, "?") || strings.Count(last, "=") >= 2 {
				w, err := strconv.Atoi(p[i+1:])
				if err != nil || w < 1 || w > 1000 {
					return nil, usageErr("--model %q: the weight of %q must be a whole number from 1 to 1000, got %q", s, p[:i], p[i+1:])
				}
				e = modelEntry{name: p[:i], weight: w}
			}
		}
		short := sim.ShortName(e.name)
		if seen[short] {
			return nil, usageErr("--model %q: %s is listed twice", s, short)
		}
		seen[short] = true
		out = append(out, e)
	}
	return out, nil
}

// models are the entries of --model, checked.
func (f *Flags) models() ([]modelEntry, error) { return parseModelList(f.model) }

// simConfig is the simulator's configuration for one simulated model name,
// from the --seed, --sim-error and --sim-latency flags and the name's own
// parameters.
func (f *Flags) simConfig(name string) (sim.Config, error) {
	cfg := sim.DefaultConfig()
	cfg.Seed = f.seed
	cfg.ErrorRate = f.simError
	cfg.Latency = f.simLatency
	cfg, err := sim.ParseName(name, cfg)
	if err != nil {
		return sim.Config{}, usageErr("--model: %v", err)
	}
	return cfg, nil
}

// openModel opens the model --model names: the simulator, a provider's
// model, or an ensemble of several.
func (f *Flags) openModel(ctx context.Context, oracle maker.Oracle) (maker.Model, error) {
	entries, err := f.models()
	if err != nil {
		return nil, err
	}
	if len(entries) == 1 && entries[0].weight == 0 {
		return f.openOne(ctx, entries[0].name, oracle)
	}
	ms := make([]maker.Member, len(entries))
	for i, e := range entries {
		m, err := f.openOne(ctx, e.name, oracle)
		if err != nil {
			return nil, err
		}
		ms[i] = maker.Member{Name: sim.ShortName(e.name), Model: m, Weight: e.weight}
	}
	ens, err := maker.NewEnsemble(ms...)
	if err != nil {
		return nil, usageErr("--model: %v", err)
	}
	return ens, nil
}

// simErrorRate is the per-sample error rate of the simulated models --model
// names, weighted by their share of the samples: what an ensemble of
// independent models errs at per sample.
func (f *Flags) simErrorRate() (float64, error) {
	entries, err := f.models()
	if err != nil {
		return 0, err
	}
	var sum, total float64
	for _, e := range entries {
		cfg, err := f.simConfig(e.name)
		if err != nil {
			return 0, err
		}
		w := float64(max(1, e.weight))
		sum += w * cfg.ErrorRate
		total += w
	}
	return sum / total, nil
}
