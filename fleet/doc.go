// Package fleet runs journaled runs on many machines: each run is a chain
// of River jobs on the PostgreSQL database that also holds the journal,
// worked by any number of worker processes (maker worker).
//
// A run's job is a chunk: a worker resumes the run from its last committed
// step, decides up to [Config.ChunkSteps] steps or runs for
// [Config.ChunkTime], and then, in one transaction, commits the chunk's
// last steps and the session's end, completes its job and enqueues the
// run's next chunk (see [maker.JournalOptions.EndTx]). Steps decided
// before that are committed in groups as in any run, so a worker that dies
// mid-chunk loses only the step it was voting: PostgreSQL frees the run's
// lock as the worker's connection ends, the other workers find the chunk
// running without it after [Config.DeadAfter] and queue the run's next
// chunk, and the next worker resumes from the last committed step (River's
// rescue after [Config.RescueAfter] is the last resort). The run's lock in
// the journal makes sure that two workers never run one run at once, and
// the job's uniqueness that a run has one chain.
//
// The embedded SQLite journal has no fleet: a single machine runs its runs
// in process (package runs), with no server to start.
package fleet
