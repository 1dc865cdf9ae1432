package anthropic

import "github.com/maker-go/maker"

// prices is a small fallback price list, in US dollars per million tokens,
// used until the shared model catalog prices providers. The cached price is
// the cache-read price (a tenth of the input price). Cache writes cost 1.25
// times the input price; [maker.Pricing] has no field for them, so a cache
// write is counted at the plain input price and the cost is understated by a
// quarter of the written tokens, once per cache lifetime (five minutes).
// Figures from Anthropic's price list as carried by charm.land/catwalk v0.52.1.
var prices = map[string]maker.Pricing{
	"claude-opus-4-0":   {InPerMTok: 15, CachedInPerMTok: 1.5, OutPerMTok: 75},
	"claude-opus-4-1":   {InPerMTok: 15, CachedInPerMTok: 1.5, OutPerMTok: 75},
	"claude-opus-4-5":   {InPerMTok: 5, CachedInPerMTok: 0.5, OutPerMTok: 25},
	"claude-opus-4-6":   {InPerMTok: 5, CachedInPerMTok: 0.5, OutPerMTok: 25},
	"claude-opus-4-7":   {InPerMTok: 5, CachedInPerMTok: 0.5, OutPerMTok: 25},
	"claude-opus-4-8":   {InPerMTok: 5, CachedInPerMTok: 0.5, OutPerMTok: 25},
	"claude-opus-5":     {InPerMTok: 5, CachedInPerMTok: 0.5, OutPerMTok: 25},
	"claude-sonnet-4-0": {InPerMTok: 3, CachedInPerMTok: 0.3, OutPerMTok: 15},
	"claude-sonnet-4-5": {InPerMTok: 3, CachedInPerMTok: 0.3, OutPerMTok: 15},
	"claude-sonnet-4-6": {InPerMTok: 3, CachedInPerMTok: 0.3, OutPerMTok: 15},
	"claude-sonnet-5":   {InPerMTok: 2, CachedInPerMTok: 0.2, OutPerMTok: 10},
	"claude-haiku-4-5":  {InPerMTok: 1, CachedInPerMTok: 0.1, OutPerMTok: 5},
}

// aliases maps the dated names of the first Claude 4 models to their aliases.
var aliases = map[string]string{
	"claude-opus-4-20250514":   "claude-opus-4-0",
	"claude-sonnet-4-20250514": "claude-sonnet-4-0",
}

// PriceOf returns the fallback price of a model (without the "anthropic/"
// prefix), matching dated snapshots to their alias, and false for a model it
// does not list; the caller then needs prices from elsewhere (--price-in,
// --price-out).
func PriceOf(model string) (maker.Pricing, bool) {
	if a, ok := aliases[model]; ok {
		model = a
	}
	if p, ok := prices[model]; ok {
		return p, true
	}
	if loc := snapshotTail.FindStringIndex(model); loc != nil {
		p, ok := prices[model[:loc[0]]]
		return p, ok
	}
	return maker.Pricing{}, false
}
