package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestServiceBuildsNoCommand: a cobra.Command is built only by a command's
// definition (a func newXCmd, or the root's): the service, MCP and a
// fleet's workers run a task as an execution in a job session, never
// through a command made up for it.
func TestServiceBuildsNoCommand(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			definition := fn.Recv == nil && (fn.Name.Name == "newRoot" || strings.HasPrefix(fn.Name.Name, "new") && strings.HasSuffix(fn.Name.Name, "Cmd"))
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				lit, ok := n.(*ast.CompositeLit)
				if !ok {
					return true
				}
				sel, ok := lit.Type.(*ast.SelectorExpr)
				if ok && sel.Sel.Name == "Command" && !definition {
					if x, ok := sel.X.(*ast.Ident); ok && x.Name == "cobra" {
						t.Errorf("%s: %s builds a cobra.Command outside a command's definition", fset.Position(lit.Pos()), fn.Name.Name)
					}
				}
				return true
			})
		}
	}
}
