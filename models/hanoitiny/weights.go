// Package hanoitiny carries the small transformers trained on Towers of
// Hanoi steps (README.md here says how each was trained; FORMAT.md is their
// file format) inside the maker binary, so that `--model local/NAME` runs
// one with no file to find and no Python at run time. Package local runs
// them.
package hanoitiny

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

// files holds the committed weight files, each NAME.safetensors, and the
// prompt template the models read.
//
//go:embed prompt.tmpl *.safetensors
var files embed.FS

// Prompt is the user-prompt template for `maker hanoi --prompt-file` that
// renders what the models read: N|PREV|STATE.
//
//go:embed prompt.tmpl
var Prompt string

// ext is the extension of a weight file.
const ext = ".safetensors"

// Names lists the committed models, sorted.
func Names() []string {
	entries, _ := fs.ReadDir(files, ".")
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ext); ok && !e.IsDir() {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// Weights returns the bytes of a committed model's weight file.
func Weights(name string) ([]byte, bool) {
	if name == "" || strings.ContainsAny(name, "/\\") {
		return nil, false
	}
	b, err := files.ReadFile(name + ext)
	return b, err == nil
}
