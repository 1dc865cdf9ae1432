package server_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"slices"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/runs"
	_ "github.com/maker-go/maker/tasks"
)

var fragmentsOut = flag.String("openapi-fragments", "", "write the schemas the document must hold, generated from the registry and the Go types, to this file")

// openAPIFragments are the document's schemas that come from one source:
// the run spec as a union over the registry's kinds, each kind's params,
// the settings, and the summary, plan and replay as their Go types encode.
func openAPIFragments(t *testing.T) map[string]any {
	t.Helper()
	out := map[string]any{}
	ref := func(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
	var oneOf []any
	mapping := map[string]any{}
	for _, k := range runs.Kinds() {
		ps, err := k.ParamsSchema()
		if err != nil {
			t.Fatal(err)
		}
		ps.Description = "The params of a " + k.Name + " run ({} runs it like maker " + k.Command + " with no flags)."
		var ex any
		if err := json.Unmarshal(k.Example, &ex); err != nil {
			t.Fatal(err)
		}
		ps.Examples = []any{ex}
		name := "Params_" + k.Name
		out[name] = ps
		spec := "RunSpec_" + k.Name
		out[spec] = map[string]any{
			"type": "object", "required": []string{"kind"}, "additionalProperties": false,
			"description": "A run of " + k.Name + ": " + k.Summary + ".",
			"properties": map[string]any{
				"kind":     map[string]any{"type": "string", "const": k.Name},
				"params":   ref(name),
				"settings": ref("Settings"),
			},
		}
		oneOf = append(oneOf, ref(spec))
		mapping[k.Name] = "#/components/schemas/" + spec
	}
	out["RunSpec"] = map[string]any{
		"description":   "A run to start: its task kind, the kind's params and the run settings.",
		"oneOf":         oneOf,
		"discriminator": map[string]any{"propertyName": "kind", "mapping": mapping},
	}
	out["Settings"] = runs.SettingsSchema()
	for name, typ := range map[string]reflect.Type{
		"Summary": reflect.TypeFor[maker.Summary](),
		"Plan":    reflect.TypeFor[plan.Plan](),
		"Replay":  reflect.TypeFor[maker.RunReplay](),
	} {
		s, err := jsonschema.ForType(typ, &jsonschema.ForOptions{IgnoreInvalidTypes: true})
		if err != nil {
			t.Fatal(err)
		}
		out[name] = s
	}
	return out
}

// normal is v as plain JSON values, for comparing.
func normal(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOpenAPIFromRegistry: the document's run spec is a union over the
// registry's kinds, each with its params, and its settings, summary, plan
// and replay are the Go types' schemas.
func TestOpenAPIFromRegistry(t *testing.T) {
	want := openAPIFragments(t)
	if *fragmentsOut != "" {
		b, err := json.MarshalIndent(want, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*fragmentsOut, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	var spec struct {
		Discriminator struct {
			Mapping map[string]string `json:"mapping"`
		} `json:"discriminator"`
	}
	if err := json.Unmarshal(doc.Components.Schemas["RunSpec"], &spec); err != nil {
		t.Fatal(err)
	}
	for k := range spec.Discriminator.Mapping {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	if !slices.Equal(kinds, runs.KindNames()) {
		t.Errorf("the document's kinds %v, the registry's %v", kinds, runs.KindNames())
	}
	for name, w := range want {
		// The document's own words about a schema may differ from the
		// generated ones; its shape may not.
		var got map[string]any
		wn, _ := normal(t, w).(map[string]any)
		if err := json.Unmarshal(doc.Components.Schemas[name], &got); err == nil && wn["description"] == nil {
			delete(got, "description")
		}
		if !reflect.DeepEqual(got, wn) {
			b, _ := json.Marshal(w)
			t.Errorf("schema %s in openapi.json is not the generated one (go test ./server -run TestOpenAPIFromRegistry -openapi-fragments FILE writes them all); want %s", name, b)
		}
	}
	var status struct {
		Enum []string `json:"enum"`
	}
	if err := json.Unmarshal(doc.Components.Schemas["Status"], &status); err != nil || !slices.Equal(status.Enum, maker.RunStatuses) {
		t.Errorf("the document's statuses %v, the journal's %v", status.Enum, maker.RunStatuses)
	}
	if body := doc.Paths["/v1/runs"]["post"]; !bytes.Contains(body, []byte(`"#/components/schemas/RunSpec"`)) {
		t.Errorf("POST /v1/runs does not take a RunSpec: %s", body)
	}
}
