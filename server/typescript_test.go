package server_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// tsClient is what a TypeScript client written against the generated
// types does: start a Hanoi run with typed params, and read a summary's
// success and a plan's k_min with no cast. The lines marked
// @ts-expect-error must not type-check: params of the wrong type, and a
// params field another kind has.
const tsClient = `import type { components } from "./api";

type RunSpec = components["schemas"]["RunSpec"];
type Summary = components["schemas"]["Summary"];
type Plan = components["schemas"]["Plan"];

export const spec: RunSpec = { kind: "hanoi", params: { disks: 11 } };
export const sudoku: RunSpec = { kind: "sudoku", params: {}, settings: { k: 3, "sim-error": 0.01, model: "sim" } };
// @ts-expect-error disks is a number
export const wrongType: RunSpec = { kind: "hanoi", params: { disks: "eleven" } };
// @ts-expect-error blanks are a Sudoku's, not Hanoi's
export const wrongKind: RunSpec = { kind: "hanoi", params: { blanks: 40 } };

export function solved(s: Summary): boolean {
  return s.success;
}

export function margin(p: Plan): number {
  return p.k_min;
}
`

// TestTypeScriptClient generates a TypeScript client from openapi.json
// with openapi-typescript and type-checks tsClient against it with tsc.
// The tools come from .ci/setup.d/openapi-typescript.sh.
func TestTypeScriptClient(t *testing.T) {
	bin, err := filepath.Abs(filepath.Join("..", ".cache", "npm", "node_modules", ".bin"))
	if err != nil {
		t.Fatal(err)
	}
	gen, tsc := filepath.Join(bin, "openapi-typescript"), filepath.Join(bin, "tsc")
	for _, tool := range []string{gen, tsc} {
		if _, err := os.Stat(tool); err != nil {
			t.Skipf("%s is not installed: run .ci/setup.d/openapi-typescript.sh", filepath.Base(tool))
		}
	}
	dir := t.TempDir()
	if out, err := exec.Command(gen, "openapi.json", "-o", filepath.Join(dir, "api.ts")).CombinedOutput(); err != nil {
		t.Fatalf("openapi-typescript: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "client.ts"), []byte(tsClient), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tsc, "--noEmit", "--strict", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "client.ts")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tsc: %v\n%s", err, out)
	}
}
