// Package runs is the one way to start, resume, cancel, list and watch
// journaled runs in a long-lived process: the HTTP service, and the MCP
// tools and queue workers that come after it, all drive runs through a
// [Manager].
//
// A Manager owns the bookkeeping that every front end needs and no task
// knows about: the runs in progress, their cancellation, a live stream of
// decided steps that continues the journal without a gap, the recovery of
// runs a dead process left running, and one model (so one set of
// client-side rate limits) per provider endpoint and key, shared by every
// run of the process.
//
// A [Runner] turns a [Spec] (or a journaled run) into an engine run,
// journals it and carries it out, for the command line, a Manager and a
// fleet's workers alike. The task kinds register once, from package tasks
// ([Register]), each with its params and the opener that builds its task
// ([Kind.Open]), so this package names no task. A spec is the value the
// journal records (the task kind, the task's parameters as the journal
// stores them, and the run settings by the command line's flag names), so
// a run started over HTTP resumes exactly like one started from a
// terminal.
package runs
