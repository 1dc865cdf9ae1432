package maker

import (
	"strings"
	"testing"
)

// TestUsageBilled: the charged figure takes the bill where there is one,
// and the summary line shows the bill beside the catalog and a mismatch.
func TestUsageBilled(t *testing.T) {
	p := Pricing{InPerMTok: 1, OutPerMTok: 2}
	billed := Response{InputTokens: 1000, OutputTokens: 500, BilledCostUSD: 0.004, CostReported: true}
	plain := Response{InputTokens: 1000, OutputTokens: 500}
	var u Usage
	u.Add(billed.Usage(p))
	u.Add(plain.Usage(p))
	if u.CostUSD != 0.004 || u.BilledCostUSD != 0.004 || u.BilledCatalogUSD != 0.002 || u.BilledSamples != 1 {
		t.Fatalf("usage %+v", u)
	}
	if got := u.ChargedUSD(); got != 0.006 {
		t.Errorf("charged $%v, want $0.006 (the bill of one, the catalog of the other)", got)
	}
	for _, tc := range []struct {
		u    Usage
		want string
	}{
		{u, "billed      $0.0040 by the provider for 1 of 2 samples (catalog $0.0020 for them; MISMATCH: the bill is +100.0% of the catalog's); charged $0.0060 in all"},
		{Usage{CostUSD: 0.002, BilledCostUSD: 0.002, BilledCatalogUSD: 0.002, BilledSamples: 1}, "billed      $0.0020 by the provider for 1 of 2 samples (catalog $0.0020 for them); charged $0.0020 in all"},
		{Usage{BilledCostUSD: 0.002, BilledSamples: 1}, "MISMATCH: the catalog prices these samples at $0"},
		{Usage{CostUSD: 0.002}, ""},
	} {
		var b strings.Builder
		tc.u.writeBilled(&b, 2)
		if tc.want == "" && b.Len() != 0 || !strings.Contains(b.String(), tc.want) {
			t.Errorf("%+v: %q, want %q", tc.u, b.String(), tc.want)
		}
	}
}
