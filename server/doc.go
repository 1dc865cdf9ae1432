// Package server is maker's HTTP service: a JSON API under /v1 over a
// [runs.Manager] (start, list, get, cancel, resume, replay, plan, the HTML
// report, and a Server-Sent Events stream of each run's decided steps),
// /healthz, Prometheus metrics at /metrics and its own OpenAPI 3.1
// document at /openapi.json. The document is kept beside the code
// (openapi.json) and a test holds the two to the same routes.
//
// The server holds no run logic: every action is one Manager call, the
// seam the MCP tools use too.
package server
