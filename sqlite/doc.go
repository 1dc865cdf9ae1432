// Package sqlite is the run journal: it keeps every run, every decided step
// and every sample in an embedded SQLite database, so a run killed at any
// moment resumes from its last committed step, and a finished run can be
// listed, summarised, reported on and re-decided with another k.
//
// The database is modernc.org/sqlite, a pure-Go SQLite: one file, no server,
// no cgo, so the maker binary stays a single static executable. It runs in
// WAL mode, so readers (maker show, a report) never block the run that is
// writing, and a process killed mid-write leaves the database consistent.
//
// A [Journal] is a [maker.Observer]. It hands each decided step to a writer
// goroutine that commits steps in groups (every [Options.BatchSteps] steps or
// [Options.BatchInterval], and on [Journal.Flush]), each step with its
// samples in the same transaction as its decision. Group commit keeps the
// cost of journaling small; what a kill loses is only steps not yet
// committed, which a resumed run decides again.
package sqlite
