// Package apitest is the API test execution scenario as a MAKER task: a
// suite of HTTP tests with dependencies and shared data runs against a live
// CRUD service, at most a few tests at a time, with retries of flaky tests
// and skips below failed critical ones. The model is the policy (one voted
// call decides which test runs, retries, is skipped or is awaited next, and
// with what inputs) and the service is the transition: the executor makes
// the real requests and the next state is what they returned.
package apitest
