// Package postgres is the run journal on a PostgreSQL server: the same
// [maker.Journal] as package sqlite, for runs that several processes or
// machines share. Importing it registers the postgres:// and postgresql://
// schemes with [maker.RegisterJournal], so `maker --db postgres://...` and
// [maker.OpenJournal] use it.
//
// It speaks to the server through pgx v5's connection pool (pgxpool)
// rather than database/sql: pgx is the driver the Go Postgres ecosystem
// (River's job queue among it) builds on, a session's lock needs one
// connection held for the session's life, which a pool hands out and takes
// back directly, and pgx's own types avoid database/sql's conversions on
// the hot path of committing steps.
//
// The schema is versioned in a schema_version table and migrated on open,
// under a transaction-level advisory lock so that processes starting
// together migrate once. Steps are stored as in the SQLite journal: one
// row a step in the compact encoding of internal/journalio, its samples in
// the row, and a samples view that turns them back into rows for anyone who
// queries the database with SQL.
//
// The run lock is a session-level advisory lock (pg_try_advisory_lock) on
// a connection the session's recorder holds until it finishes or closes:
// the server releases it the moment that connection ends, so a process
// that is killed, or whose machine is lost, frees its runs without any
// pid check, across machines. Each session row also records the pid and
// host of its process, which is how a refused resumption names the
// holder. Should the lock's connection break mid-run, the session's next
// commit fails on it and the run stops, rather than write without the
// lock; and a step's primary key keeps any step from being journaled
// twice.
package postgres
