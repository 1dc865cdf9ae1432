// Package sqlite is the embedded run journal: a [maker.Journal] that keeps
// every run, every decided step and every sample in one SQLite file, so a
// run killed at any moment resumes from its last committed step, and a
// finished run can be listed, summarised, reported on and re-decided with
// another k. Importing it registers plain paths, file: and sqlite://
// locations with [maker.RegisterJournal]; it is the default journal of the
// maker CLI.
//
// The database is modernc.org/sqlite, a pure-Go SQLite: one file, no server,
// no cgo, so the maker binary stays a single static executable. It runs in
// WAL mode, so readers (maker show, a report) never block the run that is
// writing, and a process killed mid-write leaves the database consistent.
//
// A session's [maker.Recorder] is the shared group-commit recorder of
// internal/journalio: it hands each decided step to a writer goroutine that
// commits steps in groups (every [maker.JournalOptions.BatchSteps] steps or
// [maker.JournalOptions.BatchInterval], and on Flush), each step with its
// samples in the same transaction as its decision. Group commit keeps the
// cost of journaling small; what a kill loses is only steps not yet
// committed, which a resumed run decides again.
//
// The run lock is the pid of each session's process, recorded in its row:
// a run that a live process on this machine is running is refused, and a
// killed process holds nothing. Inside one process a second recorder of the
// same run is refused as well.
package sqlite
