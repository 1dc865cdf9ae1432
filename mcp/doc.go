// Package mcp serves maker to coding agents over the Model Context
// Protocol, with the official Go SDK: tools that plan a run, start one,
// follow it, list, cancel and resume runs.
//
// It holds no logic of its own: every tool maps to [plan.Compute] or to a
// [runs.Manager] method, so a run started by an agent is the run the HTTP
// API or the command line would start from the same description, journaled
// alike. [NewServer] builds the MCP server; [Handler] serves it over
// streamable HTTP (mounted at /mcp by `maker serve`), and `maker mcp` runs
// it over stdio.
package mcp
