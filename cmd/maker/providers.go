package main

// Real providers register their model-name prefixes from init, the way
// database/sql drivers do; importing them here is what puts them on the
// command line. Every adapter registered here runs the conformance suite
// in internal/providertest.
import (
	_ "github.com/maker-go/maker/anthropic"
	_ "github.com/maker-go/maker/gemini"
	_ "github.com/maker-go/maker/openai"
)
