// Package fieldtmpl parses the prompt templates a user writes (a Hanoi
// --prompt-file, a task file's user and answer templates) as a subset of
// text/template: text, the fields of the prompt, and {{if}} on them.
//
// The subset is the limit, rather than a deadline and an output cap on the
// full language: without range, nested templates, variables or functions,
// what a template writes is its own text plus, for each field it names, that
// field's value, so its cost is known from its text and the values; and a
// template that renders once renders at every step, since no function can
// fail on a later step's values (an index past the end, a division by zero).
// A deadline would make a prompt depend on how loaded the machine is.
// [Render] still caps what one rendering writes, as a field's value may be
// long and a template may name it many times.
package fieldtmpl

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"text/template"
	"text/template/parse"
)

// Field is one field a template may name.
type Field struct {
	Name string
	// Keys: the field is a map, and a template may name its entries too
	// ({{.Input.amount}}).
	Keys bool
}

// Parse parses text as a template that holds, besides text and comments,
// only the given fields and {{if}} on one of them, with {{else}} and
// {{else if}}. A missing map key is an error when the template runs. The
// error names the first action outside the subset.
func Parse(name, text string, fields ...Field) (*template.Template, error) {
	t, err := template.New(name).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, err
	}
	for _, d := range t.Templates() {
		if d.Name() != name {
			return nil, fmt.Errorf("it defines template %q, which is not allowed; use fields and {{if}} on them", d.Name())
		}
	}
	if t.Tree != nil {
		c := checker{t: t, fields: fields}
		if err := c.nodes(t.Tree.Root); err != nil {
			return nil, err
		}
	}
	return t, nil
}

type checker struct {
	t      *template.Template
	fields []Field
}

// nodes holds a parse tree to the subset and names the first action
// outside it.
func (c checker) nodes(n parse.Node) error {
	switch n := n.(type) {
	case nil, *parse.TextNode, *parse.CommentNode:
		return nil
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, x := range n.Nodes {
			if err := c.nodes(x); err != nil {
				return err
			}
		}
		return nil
	case *parse.ActionNode:
		return c.field(n, n.Pipe)
	case *parse.IfNode:
		if err := c.field(n, n.Pipe); err != nil {
			return err
		}
		if err := c.nodes(n.List); err != nil {
			return err
		}
		return c.nodes(n.ElseList)
	}
	return c.notAllowed(n)
}

// field accepts a pipeline that is one known field and nothing else.
func (c checker) field(n parse.Node, p *parse.PipeNode) error {
	if p == nil || len(p.Decl) != 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return c.notAllowed(n)
	}
	f, ok := p.Cmds[0].Args[0].(*parse.FieldNode)
	if !ok {
		return c.notAllowed(n)
	}
	for _, known := range c.fields {
		if known.Name == f.Ident[0] && (len(f.Ident) == 1 || known.Keys && len(f.Ident) == 2) {
			return nil
		}
	}
	return c.notAllowed(n)
}

func (c checker) notAllowed(n parse.Node) error {
	loc, text := c.t.ErrorContext(n)
	if len(text) > 60 {
		text = text[:57] + "..."
	}
	var use []string
	for _, f := range c.fields {
		use = append(use, "{{."+f.Name+"}}")
		if f.Keys {
			use = append(use, "{{."+f.Name+".name}}")
		}
	}
	return fmt.Errorf("%s: %q is not allowed; use %s and {{if}} on them", loc, text, strings.Join(use, ", "))
}

// ErrTooLong is returned by [Render] when the text passes its cap.
var ErrTooLong = errors.New("renders too long")

// Render runs t on data and returns what it writes, stopping with
// [ErrTooLong] as soon as that passes max bytes, so memory stays bounded
// whatever the fields hold.
func Render(t *template.Template, data any, max int) (string, error) {
	w := &capped{max: max}
	if err := t.Execute(w, data); err != nil {
		if w.over {
			return "", fmt.Errorf("%w: over %d bytes", ErrTooLong, max)
		}
		return "", err
	}
	return w.b.String(), nil
}

// capped is a buffer that refuses to grow past max.
type capped struct {
	b    bytes.Buffer
	max  int
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if c.b.Len()+len(p) > c.max {
		c.over = true
		return 0, ErrTooLong
	}
	return c.b.Write(p)
}
