package provider

import (
	"sort"
	"strings"
	"sync"

	"github.com/maker-go/maker"
)

// Description tells people about a registered provider: `maker models`
// lists it, and `maker plan` prices its models without opening them.
type Description struct {
	Prefix  string `json:"prefix"`
	BaseURL string `json:"base_url,omitempty"`
	KeyEnv  string `json:"api_key_env,omitempty"`
	// Catalog is the catwalk provider id its prices are listed under ("":
	// none).
	Catalog string `json:"catalog,omitempty"`
	// Local servers charge nothing per token.
	Local bool `json:"local,omitempty"`
	// Structured: the provider constrains answers to a task's answer
	// schema (structured outputs, see maker.Structured).
	Structured bool   `json:"structured,omitempty"`
	About      string `json:"about,omitempty"`
	// Price is the provider's own price list, asked before the catalog
	// (nil: none).
	Price func(model string) (maker.Pricing, bool) `json:"-"`
}

var described struct {
	mu sync.RWMutex
	m  map[string]Description
}

// Register is the one call an adapter makes, from init, to be known: it
// registers open under d.Prefix with [maker.RegisterProvider] and records
// d for [Described], [Descriptions] and [ModelPrice]. open should build
// its model through [Open]. Registering a prefix twice panics.
func Register(d Description, open maker.Opener) {
	maker.RegisterProvider(d.Prefix, open)
	described.mu.Lock()
	defer described.mu.Unlock()
	if described.m == nil {
		described.m = map[string]Description{}
	}
	described.m[d.Prefix] = d
}

// Described returns the description of a prefix, if one was recorded.
func Described(prefix string) (Description, bool) {
	described.mu.RLock()
	defer described.mu.RUnlock()
	d, ok := described.m[prefix]
	return d, ok
}

// Descriptions lists every recorded description, sorted by prefix.
func Descriptions() []Description {
	described.mu.RLock()
	defer described.mu.RUnlock()
	out := make([]Description, 0, len(described.m))
	for _, d := range described.m {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Prefix < out[j].Prefix })
	return out
}

// PriceFor is the price of model (without the prefix) at a described
// provider: zero and true for a local server, else the provider's own list,
// else the catalog. ok is false when neither knows the model.
func (d Description) PriceFor(model string) (p maker.Pricing, ok bool) {
	if d.Local {
		return maker.Pricing{}, true
	}
	if d.Price != nil {
		if p, ok := d.Price(model); ok {
			return p, true
		}
	}
	if d.Catalog != "" {
		return Price(d.Catalog, model)
	}
	return maker.Pricing{}, false
}

// ModelPrice is the price of a full model name, such as
// "openai/gpt-4.1-mini", without opening the model (no key needed): what
// the model would charge once opened. ok is false for an unregistered
// prefix or a model no price list knows.
func ModelPrice(name string) (maker.Pricing, bool) {
	prefix, model, cut := strings.Cut(name, "/")
	if !cut || model == "" {
		return maker.Pricing{}, false
	}
	d, found := Described(prefix)
	if !found {
		return maker.Pricing{}, false
	}
	return d.PriceFor(model)
}
