package plan

import (
	"errors"
	"strings"
	"testing"
)

// TestPriceBound: a price above maker.MaxPricePerMTok is out of range,
// named as the price, before any cost is computed from it (a price near
// the float64 limit would make every cost infinite).
func TestPriceBound(t *testing.T) {
	for _, c := range []struct {
		prices Prices
		want   string
	}{
		{Prices{InPerMTok: 1e308}, "prices.InPerMTok = 1e+308"},
		{Prices{OutPerMTok: 10_001}, "prices.OutPerMTok = 10001"},
		{Prices{CachedInPerMTok: 1e300}, "prices.CachedInPerMTok"},
	} {
		_, err := Compute(Input{P: 0.99, Steps: 1000, Prices: c.prices, InTokens: 600, OutTokens: 540})
		if !errors.Is(err, ErrOutOfRange) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("prices %+v: %v, want out of range naming %q", c.prices, err, c.want)
		}
	}
	if _, err := Compute(Input{P: 0.99, Steps: 1000, Prices: Prices{InPerMTok: 10_000, OutPerMTok: 10_000}, InTokens: 600, OutTokens: 540}); err != nil {
		t.Errorf("the highest price: %v", err)
	}
}
