package provider

import (
	"sort"
	"sync"
)

// Description tells people about a registered provider: `maker models`
// lists it, and looks up the provider's prices in Catalog.
type Description struct {
	Prefix  string `json:"prefix"`
	BaseURL string `json:"base_url,omitempty"`
	KeyEnv  string `json:"api_key_env,omitempty"`
	// Catalog is the catwalk provider id its prices are listed under ("":
	// none).
	Catalog string `json:"catalog,omitempty"`
	// Local servers charge nothing per token.
	Local bool   `json:"local,omitempty"`
	About string `json:"about,omitempty"`
}

var described struct {
	mu sync.RWMutex
	m  map[string]Description
}

// Describe records a provider's description; provider packages call it
// from init next to [maker.RegisterProvider].
func Describe(d Description) {
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
