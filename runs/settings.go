package runs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/maker-go/maker/internal/strictjson"
)

// Settings are a run's engine, model and budget settings, each named as
// the command line's flag that sets it (e.g. "sim-error" for --sim-error).
// A setting left out (nil) has the command line's default. On the wire a
// name may have an underscore where the flag has a dash, and a value may
// be the flag's own text ("3" for 3, "true"), so a client that knows only
// the command line can write one.
//
// Settings name nothing on the machine that runs the run: a file, a key's
// variable or an endpoint is the service's own business (see
// [RefusedSettings]).
type Settings struct {
	Model            *string   `json:"model,omitempty" help:"sim (the free simulator, the default), sim/NAME?error=0.01&..., provider/model (e.g. openai/gpt-4.1-mini), or a,b / a=2,b=1 for an ensemble"`
	K                *Margin   `json:"k,omitempty" help:"vote margin: a number, auto (k_min at target) or adaptive"`
	Target           *float64  `json:"target,omitempty" help:"target probability that the whole task succeeds (for k auto), between 0 and 1"`
	P                *float64  `json:"p,omitempty" help:"the model's per-step success rate (for k auto on a real model)"`
	MaxTokens        *int      `json:"max-tokens,omitempty" help:"output-token limit; longer answers are red-flagged"`
	MinChars         *int      `json:"min-chars,omitempty" help:"shorter answers are red-flagged"`
	Concurrency      *int      `json:"concurrency,omitempty" help:"most samples in flight (0: as many as the leader needs)"`
	MaxSamples       *int      `json:"max-samples,omitempty" help:"samples per step before it is an error (no consensus)"`
	Seed             *uint64   `json:"seed,omitempty" help:"seed of the simulated model (and of generated puzzles, as on the command line)"`
	SimError         *float64  `json:"sim-error,omitempty" help:"per-sample error rate of the simulated model"`
	SimLatency       *Duration `json:"sim-latency,omitempty" help:"median latency of a simulated sample, e.g. 5ms"`
	FirstTemperature *float64  `json:"first-temperature,omitempty" help:"temperature of a step's first sample"`
	Temperature      *float64  `json:"temperature,omitempty" help:"temperature of the other samples"`
	Timeout          *Duration `json:"timeout,omitempty" help:"per-request timeout, e.g. 2m (0: the provider's default)"`
	Batch            *bool     `json:"batch,omitempty" help:"draw a step's first votes in one request where the provider allows"`
	PriceIn          *float64  `json:"price-in,omitempty" help:"input price in USD per million tokens (overrides the catalog)"`
	PriceOut         *float64  `json:"price-out,omitempty" help:"output price in USD per million tokens (overrides the catalog)"`
	MaxCost          *float64  `json:"max-cost,omitempty" help:"stop before spending more than this many USD (0: no limit)"`
	MaxSamplesTotal  *int64    `json:"max-samples-total,omitempty" help:"stop before making more model calls than this (0: no limit)"`
	MaxWall          *Duration `json:"max-wall,omitempty" help:"stop before running longer than this, e.g. 1h (0: no limit)"`
	Speculate        *Depth    `json:"speculate,omitempty" help:"vote up to this many steps ahead: auto, or a depth from 0 (off) to 64"`
	RPM              *float64  `json:"rpm,omitempty" help:"most requests per minute to the provider (0: no limit)"`
	TPM              *float64  `json:"tpm,omitempty" help:"most tokens per minute to the provider (0: no limit)"`
	Retries          *int      `json:"retries,omitempty" help:"most retries of one request on 429, 5xx and timeouts"`
	RetryWait        *Duration `json:"retry-wait,omitempty" help:"first backoff wait between retries, e.g. 1s"`
	Structured       *bool     `json:"structured,omitempty" help:"send the task's answer schema to providers that can constrain answers to it"`
	OnNoConsensus    *string   `json:"on-no-consensus,omitempty" help:"a step without consensus: error (the default), escalate:MODEL or ask (a person decides)"`
	NoCache          *bool     `json:"no-cache,omitempty" help:"vote every step, even one the journal's decision cache decided before"`
	Approve          *bool     `json:"approve,omitempty" help:"wait for a person's approval before each action the task carries out"`
	ApproveTimeout   *Duration `json:"approve-timeout,omitempty" help:"with approve, answer a question nobody answered within this time with approve-default (0: wait for ever)"`
	ApproveDefault   *string   `json:"approve-default,omitempty" help:"with approve-timeout, the answer a timeout gives: approve or reject"`
	KeepSamples      *string   `json:"keep-samples,omitempty" help:"sample texts to journal: none, flagged or all"`
	Queue            *string   `json:"queue,omitempty" help:"the fleet queue the run goes to (a PostgreSQL journal)"`
}

// RefusedSettings are the command line's run flags a [Settings] may not
// set, with why: they name files the service would read or write, or a
// key's variable and an endpoint that together would send a service's
// secret anywhere, or they are about the command line's own output. The
// service sets them itself or not at all.
var RefusedSettings = map[string]string{
	"db":          "the service journals every run in its own database",
	"no-journal":  "the service journals every run",
	"events":      "the service streams events itself (GET /v1/runs/{id}/events)",
	"report":      "the service renders reports itself (GET /v1/runs/{id}/report)",
	"json":        "not a run setting",
	"quiet":       "not a run setting",
	"base-url":    "the endpoint is the server's own setting",
	"api-key-env": "API keys come from the server's environment, never from a request",
	"local":       "the service decides where its runs run",
}

// Margin is the vote margin k: a number of votes, or "auto" (k_min at the
// target) or "adaptive" (start at k_min and raise k when votes say so).
type Margin string

// Depth is how many undecided steps ahead a run votes: "auto" or a depth.
type Depth string

// Duration is a Go duration written as text, e.g. "5ms", "1h30m".
type Duration time.Duration

// MaxSpeculate is the deepest [Depth] a run accepts.
const MaxSpeculate = 64

// MarshalJSON writes a numeric margin as a number.
func (m Margin) MarshalJSON() ([]byte, error) {
	if _, err := strconv.Atoi(string(m)); err == nil {
		return []byte(m), nil
	}
	return json.Marshal(string(m))
}

// MarshalJSON writes a numeric depth as a number.
func (d Depth) MarshalJSON() ([]byte, error) {
	if _, err := strconv.Atoi(string(d)); err == nil {
		return []byte(d), nil
	}
	return json.Marshal(string(d))
}

// MarshalJSON writes the duration as Go writes it, e.g. "1m30s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads settings strictly: every name a setting (a dash or
// an underscore between words), none given twice, every value of its
// setting's type or the flag's text for it. The error names the setting.
func (s *Settings) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := strictjson.Unmarshal(b, &m); err != nil {
		return err
	}
	out, err := SettingsOf(m)
	if err != nil {
		return err
	}
	*s = out
	return nil
}

// SettingsOf reads settings from values by name, as [Settings.UnmarshalJSON]
// does.
func SettingsOf(values map[string]json.RawMessage) (Settings, error) {
	var s Settings
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if err := s.Set(name, values[name]); err != nil {
			return Settings{}, err
		}
	}
	return s, nil
}

// settingField is one setting: its flag name and the field that holds it.
type settingField struct {
	name, help string
	index      int
}

var settingFields = func() []settingField {
	t := reflect.TypeFor[Settings]()
	out := make([]settingField, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		out = append(out, settingField{name: name, help: f.Tag.Get("help"), index: i})
	}
	return out
}()

// SettingNames are the names of every setting, in the order of [Settings].
func SettingNames() []string {
	out := make([]string, len(settingFields))
	for i, f := range settingFields {
		out[i] = f.name
	}
	return out
}

func lookupSetting(flag string) (settingField, bool) {
	for _, f := range settingFields {
		if f.name == flag {
			return f, true
		}
	}
	return settingField{}, false
}

// Set sets the setting name (a flag name, or the same with underscores)
// from a JSON value: one of the setting's type, or the flag's text for it
// as a JSON string. The error names the setting and says what it wants.
func (s *Settings) Set(name string, raw json.RawMessage) error {
	flag := strings.ReplaceAll(name, "_", "-")
	if why, refused := RefusedSettings[flag]; refused {
		return fmt.Errorf("settings.%s: not accepted here: %s", name, why)
	}
	sf, ok := lookupSetting(flag)
	if !ok {
		return fmt.Errorf("settings.%s: unknown setting (known: %s)", name, strings.Join(SettingNames(), ", "))
	}
	field := reflect.ValueOf(s).Elem().Field(sf.index)
	if !field.IsNil() {
		return fmt.Errorf("settings.%s: given twice (as %s and another spelling)", name, flag)
	}
	v := reflect.New(field.Type().Elem())
	if err := setValue(v.Interface(), bytes.TrimSpace(raw)); err != nil {
		return fmt.Errorf("settings.%s: %w", name, err)
	}
	field.Set(v)
	return nil
}

// setValue reads raw into p, a pointer to one setting's type.
func setValue(p any, raw json.RawMessage) error {
	var text string
	isText := len(raw) > 0 && raw[0] == '"'
	if isText {
		if err := json.Unmarshal(raw, &text); err != nil {
			return err
		}
	}
	if !isText && (len(raw) == 0 || raw[0] == '{' || raw[0] == '[' || string(raw) == "null") {
		return fmt.Errorf("want a string, number or boolean, got %s", raw)
	}
	if !isText {
		text = string(raw)
	}
	var err error
	switch p := p.(type) {
	case *string:
		if !isText {
			return fmt.Errorf("want a string, got %s", raw)
		}
		*p = text
	case *bool:
		*p, err = strconv.ParseBool(text)
		if err != nil {
			return fmt.Errorf("want true or false, got %s", raw)
		}
	case *int:
		*p, err = strconv.Atoi(text)
		if err != nil {
			return fmt.Errorf("want a whole number, got %s", raw)
		}
	case *int64:
		*p, err = strconv.ParseInt(text, 10, 64)
		if err != nil {
			return fmt.Errorf("want a whole number, got %s", raw)
		}
	case *uint64:
		*p, err = strconv.ParseUint(text, 10, 64)
		if err != nil {
			return fmt.Errorf("want a whole number from 0 to %d, got %s", uint64(1<<64-1), raw)
		}
	case *float64:
		*p, err = strconv.ParseFloat(text, 64)
		if err != nil {
			return fmt.Errorf("want a number, got %s", raw)
		}
	case *Duration:
		if !isText {
			return fmt.Errorf("want a duration such as \"5ms\" or \"1h30m\", got %s", raw)
		}
		d, err := time.ParseDuration(text)
		if err != nil {
			return fmt.Errorf("want a duration such as \"5ms\" or \"1h30m\", got %s", raw)
		}
		*p = Duration(d)
	case *Margin:
		if n, err := strconv.Atoi(text); (err != nil || n < 1) && text != "auto" && text != "adaptive" {
			return fmt.Errorf("want a positive number, \"auto\" or \"adaptive\", got %s", raw)
		}
		*p = Margin(text)
	case *Depth:
		if n, err := strconv.Atoi(text); (err != nil || n < 0 || n > MaxSpeculate) && text != "auto" {
			return fmt.Errorf("want \"auto\" or a depth from 0 to %d, got %s", MaxSpeculate, raw)
		}
		*p = Depth(text)
	default:
		return fmt.Errorf("no setting has type %T", p)
	}
	return nil
}

// SettingValue is one setting that is set, as the command line's flag
// and its text.
type SettingValue struct {
	Flag, Text string
}

// Values are the settings that are set, in the order of [Settings], each
// as its flag's text: a front end with flags sets them as if given.
func (s Settings) Values() []SettingValue {
	v := reflect.ValueOf(s)
	var out []SettingValue
	for _, sf := range settingFields {
		f := v.Field(sf.index)
		if f.IsNil() {
			continue
		}
		var text string
		switch x := f.Interface().(type) {
		case *Duration:
			text = time.Duration(*x).String()
		case *float64:
			text = strconv.FormatFloat(*x, 'g', -1, 64)
		default:
			text = fmt.Sprint(f.Elem().Interface())
		}
		out = append(out, SettingValue{Flag: sf.name, Text: text})
	}
	return out
}

// SettingsSchema is the JSON schema of [Settings] as a client writes it:
// each setting by its flag name with its type and help.
func SettingsSchema() *jsonschema.Schema {
	props := map[string]*jsonschema.Schema{}
	t := reflect.TypeFor[Settings]()
	for _, sf := range settingFields {
		var s *jsonschema.Schema
		switch t.Field(sf.index).Type.Elem() {
		case reflect.TypeFor[string]():
			s = &jsonschema.Schema{Type: "string"}
		case reflect.TypeFor[bool]():
			s = &jsonschema.Schema{Type: "boolean"}
		case reflect.TypeFor[float64]():
			s = &jsonschema.Schema{Type: "number"}
		case reflect.TypeFor[int](), reflect.TypeFor[int64](), reflect.TypeFor[uint64]():
			s = &jsonschema.Schema{Type: "integer"}
		case reflect.TypeFor[Duration]():
			s = &jsonschema.Schema{Type: "string", Examples: []any{"5ms"}}
		case reflect.TypeFor[Margin]():
			s = &jsonschema.Schema{AnyOf: []*jsonschema.Schema{{Type: "integer", Minimum: ptr(1.0)}, {Type: "string", Enum: []any{"auto", "adaptive"}}}}
		case reflect.TypeFor[Depth]():
			s = &jsonschema.Schema{AnyOf: []*jsonschema.Schema{{Type: "integer", Minimum: ptr(0.0), Maximum: ptr(float64(MaxSpeculate))}, {Type: "string", Enum: []any{"auto"}}}}
		default:
			panic("runs: no schema for setting " + sf.name)
		}
		s.Description = sf.help
		props[sf.name] = s
	}
	return &jsonschema.Schema{
		Type:                 "object",
		Description:          "Run settings by the command line's flag names; a setting left out has the command line's default. Settings that name files, a key's variable or an endpoint are refused.",
		Properties:           props,
		PropertyOrder:        SettingNames(),
		AdditionalProperties: &jsonschema.Schema{Not: &jsonschema.Schema{}},
	}
}

func ptr[T any](v T) *T { return &v }
