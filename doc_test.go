package maker

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryExportedNameHasADocComment keeps `go doc` on the package a guide:
// it parses the package's own source and fails on any exported type,
// function, method, constant or variable without a doc comment. A name in a
// const or var group is covered by the group's comment, as go doc shows it.
func TestEveryExportedNameHasADocComment(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) < 5 {
		t.Fatalf("parsed %d source files, want the whole package", len(files))
	}
	var missing []string
	var packageDoc bool
	for _, f := range files {
		if f.Doc != nil {
			packageDoc = true
		}
		for _, decl := range f.Decls {
			missing = append(missing, undocumented(fset, decl)...)
		}
	}
	if !packageDoc {
		t.Error("the package has no package comment")
	}
	for _, m := range missing {
		t.Errorf("%s has no doc comment", m)
	}
}

// undocumented lists the exported names a declaration introduces without a
// doc comment.
func undocumented(fset *token.FileSet, decl ast.Decl) []string {
	var out []string
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if !d.Name.IsExported() || (d.Recv != nil && !exportedRecv(d.Recv)) {
			return nil
		}
		if d.Doc == nil || strings.TrimSpace(d.Doc.Text()) == "" {
			name := d.Name.Name
			if d.Recv != nil {
				name = recvName(d.Recv) + "." + name
			}
			out = append(out, fset.Position(d.Pos()).String()+": "+name)
		}
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				if s.Name.IsExported() && d.Doc == nil && s.Doc == nil {
					out = append(out, fset.Position(s.Pos()).String()+": type "+s.Name.Name)
				}
			case *ast.ValueSpec:
				for _, n := range s.Names {
					if n.IsExported() && d.Doc == nil && s.Doc == nil && s.Comment == nil {
						out = append(out, fset.Position(n.Pos()).String()+": "+n.Name)
					}
				}
			}
		}
	}
	return out
}

func recvName(fl *ast.FieldList) string {
	if len(fl.List) == 0 {
		return ""
	}
	e := fl.List[0].Type
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

func exportedRecv(fl *ast.FieldList) bool { return ast.IsExported(recvName(fl)) }
