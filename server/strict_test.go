package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestExactFieldNames: a request means one thing. A field name must be
// spelt exactly, and given once: encoding/json alone would read "KIND" or
// "Kind" as kind, and let the last of two win.
func TestExactFieldNames(t *testing.T) {
	_, hs := newTestServer(t, "")
	for _, c := range []struct {
		path, body, want string
	}{
		{"/v1/runs", `{"kind":"hanoi","KIND":"cube"}`, "field KIND: unknown field"},
		{"/v1/runs", `{"Kind":"hanoi"}`, "field Kind: unknown field"},
		{"/v1/runs", `{"kind":"hanoi","kind":"cube"}`, "field kind: duplicate field"},
		{"/v1/runs", `{"kind":"hanoi","params":{"disks":3,"disks":20}}`, "field params.disks: duplicate field"},
		{"/v1/runs", `{"kind":"hanoi","settings":{"k":1,"k":9}}`, "field settings.k: duplicate field"},
		{"/v1/plan", `{"p":0.99,"P":0.5,"steps":10}`, "field P: unknown field"},
		{"/v1/plan", `{"p":0.99,"steps":10,"steps":1048575}`, "field steps: duplicate field"},
	} {
		res, err := http.Post(hs.URL+c.path, "application/json", strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		var e apiError
		_ = json.NewDecoder(res.Body).Decode(&e)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(e.Error, c.want) {
			t.Errorf("POST %s %s: %d %q, want 400 saying %q", c.path, c.body, res.StatusCode, e.Error, c.want)
		}
	}
}
