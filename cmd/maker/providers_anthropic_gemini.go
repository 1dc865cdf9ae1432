package main

// The Anthropic and Gemini providers register their prefixes ("anthropic/",
// "gemini/") when imported, the way database/sql drivers do.
import (
	_ "github.com/maker-go/maker/anthropic"
	_ "github.com/maker-go/maker/gemini"
)
