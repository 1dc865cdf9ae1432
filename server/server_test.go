package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/maker-go/maker/runs"
	_ "github.com/maker-go/maker/sqlite" // the test journal
)

func newTestServer(t *testing.T, token string) (*Server, *httptest.Server) {
	t.Helper()
	mgr, err := runs.New(context.Background(), filepath.Join(t.TempDir(), "maker.db"), &runs.Runner{}, runs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mgr.Shutdown(context.Background()) })
	s := New(Config{Manager: mgr, Token: token})
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return s, hs
}

// TestRoutesAreDocumented holds the OpenAPI document and the registered
// routes to the same set.
func TestRoutesAreDocumented(t *testing.T) {
	s, _ := newTestServer(t, "")
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" || method == "summary" || method == "description" {
				continue
			}
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	registered := s.Routes()
	sort.Strings(documented)
	sort.Strings(registered)
	for _, r := range registered {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is registered but not in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(registered, d) {
			t.Errorf("openapi.json documents %s, which the server does not register", d)
		}
	}
}

// TestOpenAPILint runs an independent linter (Redocly CLI, installed by
// .ci/setup.d/redocly.sh) on the document.
func TestOpenAPILint(t *testing.T) {
	bin := filepath.Join("..", ".cache", "npm", "node_modules", ".bin", "redocly")
	if _, err := os.Stat(bin); err != nil {
		if bin, err = exec.LookPath("redocly"); err != nil {
			t.Skip("redocly is not installed: run .ci/setup.d/redocly.sh to lint openapi.json")
		}
	}
	out, err := exec.Command(bin, "lint", "--config", "redocly.yaml", "openapi.json").CombinedOutput()
	if err != nil {
		t.Fatalf("redocly lint: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "valid") {
		t.Fatalf("redocly lint said:\n%s", out)
	}
}

func TestServesItsDocument(t *testing.T) {
	_, hs := newTestServer(t, "")
	res, err := http.Get(hs.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || string(b) != string(OpenAPI()) {
		t.Fatalf("GET /openapi.json: %d, %d bytes, want the embedded document", res.StatusCode, len(b))
	}
}

func TestBearerToken(t *testing.T) {
	const token = "s3cret-token-0123456789"
	_, hs := newTestServer(t, token)
	get := func(path, auth string) (int, string) {
		req, _ := http.NewRequest("GET", hs.URL+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for _, c := range []struct {
		path, auth string
		want       int
	}{
		{"/v1/runs", "", 401},
		{"/v1/runs", "Bearer wrong", 401},
		{"/v1/runs", "Bearer " + token + "x", 401},
		{"/v1/runs", token, 401}, // no scheme
		{"/metrics", "", 401},
		{"/openapi.json", "", 401},
		{"/healthz", "", 200},
		{"/v1/runs", "Bearer " + token, 200},
		{"/v1/runs", "bearer " + token, 200}, // the scheme is case-insensitive (RFC 9110)
		{"/v1/runs", "BEARER " + token, 200},
		{"/v1/runs", "Basic " + token, 401},
		{"/metrics", "Bearer " + token, 200},
	} {
		code, body := get(c.path, c.auth)
		if code != c.want {
			t.Errorf("GET %s with %q: %d, want %d", c.path, c.auth, code, c.want)
		}
		if strings.Contains(body, token) {
			t.Errorf("GET %s: the token appears in the answer", c.path)
		}
	}
}

// TestStrictDecoding: an unknown or ill-typed field is a 400 naming it.
func TestStrictDecoding(t *testing.T) {
	_, hs := newTestServer(t, "")
	for _, c := range []struct {
		path, body, want string
	}{
		{"/v1/runs", `{"kind":"hanoi","sttings":{}}`, "sttings"},
		{"/v1/runs", `{"kind":3}`, "kind"},
		{"/v1/runs", `{"kind":"hanoi","settings":[1]}`, "settings"},
		{"/v1/runs", ``, "empty"},
		{"/v1/runs", `{"kind":"hanoi"} {}`, "more than one"},
		{"/v1/plan", `{"p":0.99,"steps":"ten"}`, "steps"},
		{"/v1/plan", `{"p":0.99,"steps":10,"turbo":true}`, "turbo"},
		{"/v1/runs", `{"kind":"hanoi","params":{"disks":3},"settings":{}, "x":"` + strings.Repeat("a", MaxRunBody) + `"}`, "larger than"},
		{"/v1/plan", `{"p":0.99,"steps":10,"x":"` + strings.Repeat("a", MaxBody) + `"}`, "larger than"},
		{"/v1/runs/r1/resume", `{"max-cost":"ten"}`, "max-cost"},
		{"/v1/runs/r1/resume", `{"max-cost":1,"more":true}`, "more"},
	} {
		res, err := http.Post(hs.URL+c.path, "application/json", strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		var e apiError
		_ = json.NewDecoder(res.Body).Decode(&e)
		res.Body.Close()
		if res.StatusCode != 400 || !strings.Contains(e.Error, c.want) {
			t.Errorf("POST %s %.60s: %d %q, want 400 naming %q", c.path, c.body, res.StatusCode, e.Error, c.want)
		}
	}
}

func TestPlan(t *testing.T) {
	_, hs := newTestServer(t, "")
	res, err := http.Post(hs.URL+"/v1/plan", "application/json", strings.NewReader(`{"p":0.99,"steps":1048575}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var p struct {
		K int `json:"k_min"`
	}
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil || res.StatusCode != 200 {
		t.Fatalf("plan: %d %v", res.StatusCode, err)
	}
	if p.K < 2 {
		t.Fatalf("plan for a million steps at p=0.99: k_min = %d", p.K)
	}
}

func TestNotFound(t *testing.T) {
	_, hs := newTestServer(t, "")
	for _, path := range []string{"/v1/runs/nope", "/v1/runs/nope/events", "/v1/runs/nope/replay"} {
		res, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
}

// TestCrossSiteRequests: a browser's state-changing request from another
// site is refused before it reaches a run; the same from the page itself
// or from a non-browser client goes through.
func TestCrossSiteRequests(t *testing.T) {
	_, hs := newTestServer(t, "")
	for _, c := range []struct {
		site, origin string
		want         int
	}{
		{"cross-site", "http://evil.example", http.StatusForbidden},
		{"", "http://evil.example", http.StatusForbidden},
		{"same-origin", hs.URL, http.StatusNotFound}, // reaches the route: no such run
		{"", "", http.StatusNotFound},                // curl, the CLI
	} {
		req, _ := http.NewRequest("POST", hs.URL+"/v1/runs/nope/cancel", nil)
		if c.site != "" {
			req.Header.Set("Sec-Fetch-Site", c.site)
		}
		if c.origin != "" {
			req.Header.Set("Origin", c.origin)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.want {
			t.Errorf("POST with Sec-Fetch-Site %q, Origin %q: %d, want %d", c.site, c.origin, res.StatusCode, c.want)
		}
	}
}

// TestSessionCookie: the dashboard signs in by giving the token once in a
// body; the cookie it gets back authorizes the requests that follow.
func TestSessionCookie(t *testing.T) {
	const token = "s3cret-token-0123456789"
	_, hs := newTestServer(t, token)
	post := func(body string) *http.Response {
		res, err := http.Post(hs.URL+"/v1/session", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := post(`{"token":"nope"}`); res.StatusCode != 401 || len(res.Cookies()) != 0 {
		t.Fatalf("wrong token: %d, %d cookies", res.StatusCode, len(res.Cookies()))
	}
	res := post(`{"token":"` + token + `"}`)
	if res.StatusCode != 204 || len(res.Cookies()) != 1 {
		t.Fatalf("right token: %d, %d cookies", res.StatusCode, len(res.Cookies()))
	}
	c := res.Cookies()[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Errorf("cookie %+v: want HttpOnly and SameSite=Strict", c)
	}
	for _, cookie := range []*http.Cookie{c, {Name: c.Name, Value: "nope"}} {
		req, _ := http.NewRequest("GET", hs.URL+"/v1/runs", nil)
		req.AddCookie(cookie)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if want := map[bool]int{true: 200, false: 401}[cookie.Value == token]; res.StatusCode != want {
			t.Errorf("GET /v1/runs with cookie %q: %d, want %d", cookie.Value[:4], res.StatusCode, want)
		}
	}
}
