package gemini

import "github.com/maker-go/maker"

// prices is a small fallback price list, in US dollars per million tokens,
// used until the shared model catalog prices providers. The cached price is
// what implicit and explicit cache hits cost. Prices of the Pro models are
// those of prompts up to 200k tokens, far above what one MAKER step sends.
// Figures from Google's price list as carried by charm.land/catwalk v0.52.1.
var prices = map[string]maker.Pricing{
	"gemini-2.5-pro":         {InPerMTok: 1.25, CachedInPerMTok: 0.125, OutPerMTok: 10},
	"gemini-2.5-flash":       {InPerMTok: 0.30, CachedInPerMTok: 0.03, OutPerMTok: 2.50},
	"gemini-3-pro-preview":   {InPerMTok: 2, CachedInPerMTok: 0.2, OutPerMTok: 12},
	"gemini-3-flash-preview": {InPerMTok: 0.5, CachedInPerMTok: 0.05, OutPerMTok: 3},
}

// PriceOf returns the fallback price of a model (without the "gemini/"
// prefix, "models/" allowed), and false for a model it does not list; the
// caller then needs prices from elsewhere (--price-in, --price-out).
func PriceOf(model string) (maker.Pricing, bool) {
	p, ok := prices[trimModel(model)]
	return p, ok
}
