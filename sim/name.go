package sim

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/maker-go/maker"
)

// Simulated models are named "sim" (the default simulator) or
// "sim/NAME?param=value&...": a named model with its own error stream and,
// through the parameters, its own error rates, hard steps, latency and
// prices, so that several simulated models can be told apart, priced
// differently and voted together. For example
//
//	sim/cheap?error=0.01&price_in=0.1&price_out=0.4
//	sim/strong?error=0.001&hard=0.01&hard_error=0.5&hard_steps=private
//
// The parameters, each at most once:
//
//	error         per-sample error rate on ordinary steps
//	flag_share    part of the errors red-flagging catches
//	hard          fraction of the steps that are hard
//	hard_error    error rate on a hard step
//	spellings     chance that a right answer is written in another
//	              spelling that means the same (JSON key order and
//	              layout, 1.50 for 1.5), as real models do
//	bad_json      chance that a right JSON answer is broken JSON
//	hard_steps    shared (the default: every model finds the same steps
//	              hard and repeats the same wrong answer there) or private
//	              (the model's own hard steps and wrong answer)
//	latency       median latency of a sample, such as 200ms
//	out_tokens    mean output tokens of an answer
//	price_in      input price, USD per million tokens
//	price_cached  cached-input price, USD per million tokens
//	price_out     output price, USD per million tokens
//	              (each price at most maker.MaxPricePerMTok)
//
// A parameter not given keeps the value of the configuration the name is
// parsed against.

// nameRE is what NAME may be: letters, digits, '.', '_' and '-'.
var nameRE = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// params are the parameters a simulated model's name may carry.
var params = map[string]func(c *Config, v string) error{
	"error":        rate(func(c *Config) *float64 { return &c.ErrorRate }),
	"flag_share":   rate(func(c *Config) *float64 { return &c.FlagShare }),
	"hard":         rate(func(c *Config) *float64 { return &c.HardFraction }),
	"hard_error":   rate(func(c *Config) *float64 { return &c.HardErrorRate }),
	"spellings":    rate(func(c *Config) *float64 { return &c.Spellings }),
	"bad_json":     rate(func(c *Config) *float64 { return &c.BadJSON }),
	"price_in":     price(func(c *Config) *float64 { return &c.Pricing.InPerMTok }),
	"price_cached": price(func(c *Config) *float64 { return &c.Pricing.CachedInPerMTok }),
	"price_out":    price(func(c *Config) *float64 { return &c.Pricing.OutPerMTok }),
	"hard_steps": func(c *Config, v string) error {
		switch v {
		case "shared":
			c.PrivateHard = false
		case "private":
			c.PrivateHard = true
		default:
			return fmt.Errorf("want shared or private, got %q", v)
		}
		return nil
	},
	"latency": func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("want a duration such as 200ms, got %q", v)
		}
		c.Latency = d
		return nil
	},
	"out_tokens": func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return fmt.Errorf("want a whole number from 1 to 1000000, got %q", v)
		}
		c.OutTokens = n
		return nil
	},
}

func rate(field func(*Config) *float64) func(*Config, string) error {
	return func(c *Config, v string) error {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) || x < 0 || x > 1 {
			return fmt.Errorf("want a number from 0 to 1, got %q", v)
		}
		*field(c) = x
		return nil
	}
}

func price(field func(*Config) *float64) func(*Config, string) error {
	return func(c *Config, v string) error {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("want a price in USD per million tokens, got %q", v)
		}
		if err := maker.CheckPrice(x); err != nil {
			return err
		}
		*field(c) = x
		return nil
	}
}

// IsName reports whether name selects the simulator: "sim" or "sim/...".
func IsName(name string) bool { return name == Name || strings.HasPrefix(name, Name+"/") }

// ParseName reads a simulated model's name against base, the configuration
// its parameters change: "sim" returns base unchanged, "sim/NAME?..." a
// named model. Each error names the parameter at fault.
func ParseName(name string, base Config) (Config, error) {
	if name == Name {
		return base, nil
	}
	rest, ok := strings.CutPrefix(name, Name+"/")
	if !ok {
		return Config{}, fmt.Errorf("sim: model %q: a simulated model is named sim or sim/NAME", name)
	}
	short, query, hasQuery := strings.Cut(rest, "?")
	if !nameRE.MatchString(short) {
		return Config{}, fmt.Errorf("sim: model %q: NAME must be letters, digits, '.', '_' or '-', got %q", name, short)
	}
	cfg := base
	cfg.Name = short
	seen := map[string]bool{}
	if hasQuery {
		for _, kv := range strings.Split(query, "&") {
			k, v, ok := strings.Cut(kv, "=")
			set, known := params[k]
			switch {
			case !ok || v == "":
				return Config{}, fmt.Errorf("sim: model %q: parameter %q has no value (want %s=VALUE)", name, k, k)
			case !known:
				return Config{}, fmt.Errorf("sim: model %q: unknown parameter %q (known: %s)", name, k, strings.Join(ParamNames(), ", "))
			case seen[k]:
				return Config{}, fmt.Errorf("sim: model %q: parameter %q given twice", name, k)
			}
			seen[k] = true
			if err := set(&cfg, v); err != nil {
				return Config{}, fmt.Errorf("sim: model %q: parameter %s: %w", name, k, err)
			}
		}
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("model %q: %w", name, err)
	}
	return cfg, nil
}

// ShortName is a simulated model's name without its parameters: "sim/a"
// for "sim/a?error=0.01". Other names are returned as they are.
func ShortName(name string) string {
	if !IsName(name) {
		return name
	}
	short, _, _ := strings.Cut(name, "?")
	return short
}

// ParamNames lists the parameters a simulated model's name may carry.
func ParamNames() []string {
	out := make([]string, 0, len(params))
	for k := range params {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
