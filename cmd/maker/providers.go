package main

// Real providers register their model-name prefixes from init, the way
// database/sql drivers do; importing them here is what puts them on the
// command line.
import (
	_ "github.com/maker-go/maker/openai"
)
