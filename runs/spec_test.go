package runs

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// stepsParams are the params of the test kind "steps".
type stepsParams struct {
	Steps int `json:"steps,omitempty"`
}

func init() {
	Register(Kind{Name: "steps", Command: "steps", Summary: "a test kind", Params: new(stepsParams),
		Prepare: func(p any, _ Settings) error {
			sp := p.(*stepsParams)
			if sp.Steps == 0 {
				sp.Steps = 3
			}
			if sp.Steps < 1 {
				return fmt.Errorf("params.steps: want 1 or more, got %d", sp.Steps)
			}
			return nil
		}})
}

// TestSettingsRead reads settings as a client writes them: typed values or
// the flag's text, a dash or an underscore; every error names the setting.
func TestSettingsRead(t *testing.T) {
	for _, c := range []struct {
		in, want, err string
	}{
		{in: `{}`, want: `{}`},
		{in: `{"k":3,"sim-error":0.01,"seed":9}`, want: `{"k":3,"seed":9,"sim-error":0.01}`},
		{in: `{"k":"3","seed":"9","batch":"false","sim_latency":"5ms"}`, want: `{"k":3,"seed":9,"sim-latency":"5ms","batch":false}`},
		{in: `{"k":"auto","speculate":"auto","max-wall":"1h"}`, want: `{"k":"auto","max-wall":"1h0m0s","speculate":"auto"}`},
		{in: `{"k":0}`, err: `settings.k: want a positive number, "auto" or "adaptive", got 0`},
		{in: `{"k":1,"k":9}`, err: `k`},
		{in: `{"max-wall":60}`, err: `settings.max-wall: want a duration`},
		{in: `{"speculate":65}`, err: `settings.speculate: want "auto" or a depth from 0 to 64`},
		{in: `{"seed":-1}`, err: `settings.seed: want a whole number`},
		{in: `{"model":3}`, err: `settings.model: want a string, got 3`},
		{in: `{"db":"x.db"}`, err: `settings.db: not accepted here`},
		{in: `{"api_key_env":"OPENAI_API_KEY"}`, err: `settings.api_key_env: not accepted here`},
		{in: `{"bogus":1}`, err: `settings.bogus: unknown setting`},
		{in: `{"sim-error":0.1,"sim_error":0.2}`, err: `given twice`},
		{in: `{"target":[1]}`, err: `settings.target: want a string, number or boolean`},
	} {
		var s Settings
		err := json.Unmarshal([]byte(c.in), &s)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: err %v, want it to say %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		b, _ := json.Marshal(s)
		if string(b) != c.want {
			t.Errorf("%s: reads as %s, want %s", c.in, b, c.want)
		}
		var again Settings
		if err := json.Unmarshal(b, &again); err != nil {
			t.Errorf("%s: its own JSON %s does not read back: %v", c.in, b, err)
		}
	}
}

// TestSettingsValues gives the flags' texts of the settings that are set.
func TestSettingsValues(t *testing.T) {
	var s Settings
	if err := json.Unmarshal([]byte(`{"k":2,"sim-latency":"5ms","target":0.99,"batch":false}`), &s); err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(s.Values())
	if want := "[{k 2} {target 0.99} {sim-latency 5ms} {batch false}]"; got != want {
		t.Errorf("values %s, want %s", got, want)
	}
}

// TestSpecPrepare completes {} with the kind's defaults and names the
// field of a bad param; an unknown kind lists the known ones.
func TestSpecPrepare(t *testing.T) {
	for _, c := range []struct {
		spec       Spec
		want, fail string
	}{
		{spec: Spec{Kind: "steps"}, want: `{"steps":3}`},
		{spec: Spec{Kind: "steps", Params: json.RawMessage(`{}`)}, want: `{"steps":3}`},
		{spec: Spec{Kind: "steps", Params: json.RawMessage(`{"steps":5}`)}, want: `{"steps":5}`},
		{spec: Spec{Kind: "steps", Params: json.RawMessage(`{"steps":-1}`)}, fail: "params.steps: want 1 or more"},
		{spec: Spec{Kind: "steps", Params: json.RawMessage(`{"Steps":5}`)}, fail: "params: Steps: unknown field"},
		{spec: Spec{Kind: "steps", Params: json.RawMessage(`{"steps":"x"}`)}, fail: "params: steps"},
		{spec: Spec{Kind: "nope"}, fail: `kind: unknown task kind "nope" (one of `},
		{spec: Spec{}, fail: "kind: missing"},
	} {
		got, err := c.spec.Prepare()
		if c.fail != "" {
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.fail) {
				t.Errorf("%+v: err %v, want ErrInvalid saying %q", c.spec, err, c.fail)
			}
			continue
		}
		if err != nil || string(got.Params) != c.want {
			t.Errorf("%+v: params %s, %v; want %s", c.spec, got.Params, err, c.want)
		}
	}
}

// TestEveryStatusSaysWhatItMeans: a status the journal records has its
// words for every front end's help.
func TestEveryStatusSaysWhatItMeans(t *testing.T) {
	for _, s := range Statuses() {
		if StatusHelp(s) == "" {
			t.Errorf("status %s says nothing of what it means (runs.statusHelp)", s)
		}
	}
}
