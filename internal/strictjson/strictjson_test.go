package strictjson

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type inner struct {
	Name string `json:"name"`
}

type doc struct {
	Kind     string                     `json:"kind"`
	Disks    int                        `json:"disks,omitempty"`
	Rate     float64                    `json:"rate,omitempty"`
	Params   json.RawMessage            `json:"params,omitempty"`
	Settings map[string]json.RawMessage `json:"settings,omitempty"`
	Items    []inner                    `json:"items,omitempty"`
	Wait     time.Duration              `json:"wait,omitempty"`
	Any      any                        `json:"any,omitempty"`
}

func TestDecodeRefuses(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"case-folded duplicate", `{"kind":"hanoi","KIND":"cube"}`, "KIND: unknown field"},
		{"case-folded name", `{"Kind":"hanoi"}`, "Kind: unknown field"},
		{"exact duplicate", `{"kind":"hanoi","kind":"cube"}`, "kind: duplicate field"},
		{"duplicate in a raw value", `{"kind":"hanoi","params":{"disks":3,"disks":4}}`, "params.disks: duplicate field"},
		{"duplicate in a map", `{"kind":"hanoi","settings":{"k":3,"k":4}}`, "settings.k: duplicate field"},
		{"duplicate in an array element", `{"items":[{"name":"a"},{"name":"b","name":"c"}]}`, "items[1].name: duplicate field"},
		{"duplicate in any", `{"any":{"a":1,"a":2}}`, "any.a: duplicate field"},
		{"unknown field", `{"kind":"hanoi","disk":3}`, "disk: unknown field"},
		{"unknown nested field", `{"items":[{"nam":"a"}]}`, "items[0].nam: unknown field"},
		{"wrong type", `{"disks":"3"}`, "disks: want int, got JSON string"},
		{"fraction for an int", `{"disks":1.5}`, "disks: want int, got JSON number 1.5"},
		{"out of range", `{"disks":1e400}`, "disks: want int, got JSON number 1e400"},
		{"int out of range", `{"disks":99999999999999999999}`, "disks: want int, got JSON number 99999999999999999999 (out of range)"},
		{"float out of range", `{"rate":1e400}`, "rate: want float64, got JSON number 1e400 (out of range)"},
		{"object for a string", `{"kind":{}}`, "kind: want string, got JSON object"},
		{"not JSON", `{"kind":hanoi}`, "kind: not JSON: invalid character 'h'"},
		{"cut short", `{"kind":"hanoi"`, "not JSON: cut short"},
		{"empty", "  \n", "empty: want a JSON value"},
		{"two values", `{"kind":"a"} {"kind":"b"}`, "data after the JSON value"},
		{"trailing text", `{"kind":"a"} x`, "data after the JSON value"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var d doc
			err := Decode(strings.NewReader(tt.in), &d)
			var se *Error
			if !errors.As(err, &se) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("Decode(%s) = %v, want an *Error starting %q", tt.in, err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "strictjson") || strings.Contains(err.Error(), "json.") {
				t.Errorf("error %q: want one line without Go's names", err)
			}
		})
	}
}

func TestDecodeAcceptsWhatEncodingJSONDoes(t *testing.T) {
	in := `{"kind":"hanoi","disks":3,"rate":0.5,"params":{"a":[1,2]},"settings":{"k":3,"sim-latency":"2ms"},"items":[{"name":"x"}],"wait":1000,"any":{"n":1.5,"s":["a"]}}` + "\n"
	var got, want doc
	if err := Decode(strings.NewReader(in), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(in), &want); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Errorf("Decode = %s, encoding/json = %s", gb, wb)
	}
	if string(got.Params) != `{"a":[1,2]}` || string(got.Settings["sim-latency"]) != `"2ms"` {
		t.Errorf("raw values changed: params %s, settings %s", got.Params, got.Settings["sim-latency"])
	}
}

func TestDecodeEmptyIsEOF(t *testing.T) {
	var d doc
	if err := Unmarshal(nil, &d); !errors.Is(err, io.EOF) {
		t.Errorf("Unmarshal(nil) = %v, want io.EOF", err)
	}
}

// A body over http.MaxBytesReader's limit keeps its error, so a server
// can answer it as too large.
func TestDecodeKeepsTheReadersError(t *testing.T) {
	rec := httptest.NewRecorder()
	body := http.MaxBytesReader(rec, io.NopCloser(strings.NewReader(`{"kind":"`+strings.Repeat("x", 100)+`"}`)), 20)
	var d doc
	err := Decode(body, &d)
	var mb *http.MaxBytesError
	if !errors.As(err, &mb) {
		t.Errorf("Decode over the limit = %v, want an *http.MaxBytesError inside", err)
	}
}
