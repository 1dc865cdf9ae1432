package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScenarioRealCommands(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"unknown": 1}`), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout for success, in stderr otherwise
	}{
		{"apitest", []string{"scenario", "apitest", "--json"}, 0, `"matches_reference":true`},
		{"migrate", []string{"scenario", "migrate", "--json", "--size", "300"}, 0, `"checksums_match":true`},
		{"migrate rollback", []string{"scenario", "migrate", "--json", "--size", "300", "--fail-at", "M05"}, 0, `"halted":true`},
		{"deploy", []string{"scenario", "deploy", "--json"}, 0, `"failed":0`},
		{"apitest bad file", []string{"scenario", "apitest", "--instance", bad}, 2, "unknown field"},
		{"migrate bad file", []string{"scenario", "migrate", "--instance", bad}, 2, "unknown field"},
		{"deploy bad file", []string{"scenario", "deploy", "--instance", bad}, 2, "unknown field"},
		{"apitest size", []string{"scenario", "apitest", "--size", "0"}, 2, "users must be between"},
		{"migrate resume alone", []string{"scenario", "migrate", "--resume"}, 2, "--resume needs --db-file"},
		{"migrate resume missing", []string{"scenario", "migrate", "--resume", "--db-file", filepath.Join(dir, "none.db")}, 2, "no such file"},
		{"migrate fail-at safe", []string{"scenario", "migrate", "--fail-at", "M02"}, 2, "risky"},
		{"deploy bad version", []string{"scenario", "deploy", "--bad-version", "cache"}, 2, "not a service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tt.args, &out, &errOut)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out.String(), errOut.String())
			}
			if tt.code != 0 {
				if !strings.Contains(errOut.String(), tt.want) {
					t.Fatalf("stderr %q does not say %q", errOut.String(), tt.want)
				}
				return
			}
			var sum map[string]any
			if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
				t.Fatalf("%v: %s", err, out.String())
			}
			if sum["success"] != true || !strings.Contains(out.String(), tt.want) {
				t.Fatalf("summary %s, want success and %s", out.String(), tt.want)
			}
		})
	}
}

// TestScenarioInstanceFlags: every scenario takes the same instance flags.
// --save-instance writes the instance and runs it, the file runs back to
// the same result, the strict loader rejects data after the JSON value, and
// the deprecated --write-instance still writes the file and stops, saying
// so on stderr.
func TestScenarioInstanceFlags(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name, size, field string
	}{
		{"deps", "7", "build_order"},
		{"infra", "7", "events"},
		{"interview", "7", "bookings"},
		{"apitest", "2", "outcomes"},
		{"deploy", "4", "service_status"},
		{"migrate", "300", "checksums"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			saved := filepath.Join(dir, tt.name+".json")
			code, gen, errOut := runTransitionCLI(t, "scenario", tt.name, "--size", tt.size, "--instance-seed", "3", "--save-instance", saved, "--json")
			if code != exitOK {
				t.Fatalf("--save-instance: exit %d: %s", code, errOut)
			}
			var a, b map[string]any
			if err := json.Unmarshal([]byte(gen), &a); err != nil || a["success"] != true {
				t.Fatalf("--save-instance did not run the scenario: %v %s", err, gen)
			}
			code, back, errOut := runTransitionCLI(t, "scenario", tt.name, "--instance", saved, "--json")
			if code != exitOK {
				t.Fatalf("--instance: exit %d: %s", code, errOut)
			}
			_ = json.Unmarshal([]byte(back), &b)
			if a[tt.field] == nil {
				t.Fatalf("summary has no %q: %s", tt.field, gen)
			}
			if !sameJSON(a[tt.field], b[tt.field]) {
				t.Errorf("%s differs between the generated run and its saved instance: %v vs %v", tt.field, a[tt.field], b[tt.field])
			}

			body, err := os.ReadFile(saved)
			if err != nil {
				t.Fatal(err)
			}
			trailing := filepath.Join(dir, tt.name+"-trailing.json")
			if err := os.WriteFile(trailing, append(body, "{}"...), 0o644); err != nil {
				t.Fatal(err)
			}
			if code, _, errOut := runTransitionCLI(t, "scenario", tt.name, "--instance", trailing); code != exitUsage || !strings.Contains(errOut, "data after the JSON value") || !strings.Contains(errOut, trailing) {
				t.Errorf("trailing data: exit %d, %q", code, errOut)
			}
			if code, _, errOut := runTransitionCLI(t, "scenario", tt.name, "--instance", saved, "--instance-seed", "2"); code != exitUsage || !strings.Contains(errOut, "--instance-seed") {
				t.Errorf("--instance with --instance-seed: exit %d, %q", code, errOut)
			}

			old := filepath.Join(dir, tt.name+"-old.json")
			code, out, errOut := runTransitionCLI(t, "scenario", tt.name, "--size", tt.size, "--instance-seed", "3", "--write-instance", old)
			if code != exitOK || !strings.Contains(out, "wrote "+old) || !strings.Contains(errOut, "--write-instance is deprecated") {
				t.Fatalf("--write-instance: exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			if got, _ := os.ReadFile(old); !bytes.Equal(got, body) {
				t.Errorf("--write-instance wrote a different instance than --save-instance")
			}
			if strings.Contains(out, "success") {
				t.Errorf("--write-instance ran the scenario: %s", out)
			}
		})
	}
}

func TestMigrateRefusesToOverwrite(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shop.db")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"scenario", "migrate", "--db-file", db, "--size", "300", "-q"}, &out, &errOut); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, errOut.String())
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"scenario", "migrate", "--db-file", db, "-q"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "already exists") {
		t.Fatalf("second run: exit %d: %s", code, errOut.String())
	}
	// Resuming a finished migration decides nothing and succeeds.
	out.Reset()
	if code := run(context.Background(), []string{"scenario", "migrate", "--db-file", db, "--resume", "--json"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), `"verified":"intact"`) {
		t.Fatalf("resume of a finished run: exit %d: %s %s", code, out.String(), errOut.String())
	}
}

// TestMigrateKeepBackups: the command keeps the most recent backups it is
// told to, two by default, and rejects a negative count.
func TestMigrateKeepBackups(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want int
	}{
		{nil, 2},
		{[]string{"--keep-backups", "1"}, 1},
		{[]string{"--keep-backups", "0"}, 7},
	} {
		db := filepath.Join(t.TempDir(), "shop.db")
		args := append([]string{"scenario", "migrate", "--db-file", db, "--size", "300", "-q"}, tt.args...)
		if code, _, errOut := runTransitionCLI(t, args...); code != exitOK {
			t.Fatalf("%v: exit %d: %s", tt.args, code, errOut)
		}
		backups, _ := filepath.Glob(db + ".bak-*")
		if len(backups) != tt.want {
			t.Errorf("%v: %d backups left (%v), want %d", tt.args, len(backups), backups, tt.want)
		}
	}
	if code, _, errOut := runTransitionCLI(t, "scenario", "migrate", "--keep-backups", "-1"); code != exitUsage || !strings.Contains(errOut, "--keep-backups") {
		t.Errorf("--keep-backups -1: exit %d, %q", code, errOut)
	}
}
