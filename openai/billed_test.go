package openai

import (
	"encoding/json"
	"testing"

	oa "github.com/openai/openai-go/v3"
)

// TestBilledCost reads usage.cost where a server reports it and ignores
// what is no cost at all.
func TestBilledCost(t *testing.T) {
	for _, tc := range []struct {
		usage string
		want  float64
		ok    bool
	}{
		{`{"prompt_tokens":3,"completion_tokens":4,"cost":0.0125}`, 0.0125, true},
		{`{"prompt_tokens":3,"completion_tokens":4,"cost":0}`, 0, true},
		{`{"prompt_tokens":3,"completion_tokens":4}`, 0, false},
		{`{"prompt_tokens":3,"completion_tokens":4,"cost":null}`, 0, false},
		{`{"prompt_tokens":3,"completion_tokens":4,"cost":"0.01"}`, 0, false},
		{`{"prompt_tokens":3,"completion_tokens":4,"cost":-1}`, 0, false},
		{`{"prompt_tokens":3,"completion_tokens":4,"cost":1e999}`, 0, false},
	} {
		var cc oa.ChatCompletion
		body := `{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":` + tc.usage + `}`
		if err := json.Unmarshal([]byte(body), &cc); err != nil {
			t.Fatalf("%s: %v", tc.usage, err)
		}
		got, ok := billedCost(cc.Usage)
		if got != tc.want || ok != tc.ok {
			t.Errorf("usage %s: cost %v, %v; want %v, %v", tc.usage, got, ok, tc.want, tc.ok)
		}
		rs := responses(&cc, 1)
		if rs[0].CostReported != tc.ok || rs[0].BilledCostUSD != tc.want {
			t.Errorf("usage %s: response billed %v (%v)", tc.usage, rs[0].BilledCostUSD, rs[0].CostReported)
		}
	}
}
