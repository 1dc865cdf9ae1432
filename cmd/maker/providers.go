package main

// Real providers register their model-name prefixes from init, the way
// database/sql drivers do; importing them here is what puts them on the
// command line. Every adapter registered here that calls a server runs the
// conformance suite in internal/providertest; local runs its models in this
// process and has its own tests.
import (
	_ "github.com/maker-go/maker/anthropic"
	_ "github.com/maker-go/maker/gemini"
	_ "github.com/maker-go/maker/local"
	_ "github.com/maker-go/maker/openai"
)
