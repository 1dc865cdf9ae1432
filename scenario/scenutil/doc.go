// Package scenutil holds what the scenario tasks share: strict parsing of
// the "key = value" answer lines and of name lists, strict JSON loading of
// instance files, and dependency graphs with cycle detection and the
// ready/waiting frontier of Kahn's algorithm.
//
// The scenarios keep the state a model carries small: instead of the whole
// graph or the whole history, a state holds the frontier (what is ready,
// and how many dependencies the partly released items still wait for), so a
// model can decide one step from the state alone and write the next one in
// a few lines.
package scenutil
