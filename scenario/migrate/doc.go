// Package migrate is the database migration scenario as a MAKER task: a
// real SQLite database (modernc.org/sqlite, pure Go) holding customers and
// orders is migrated through a fixed plan of sixteen schema and data
// changes. The model is the policy: one voted call decides the next action
// (back up, enter or leave maintenance, apply a migration, validate it,
// restore the last backup, verify the data) from the plan and the state
// the database reports. The database is the transition: the executor runs
// the SQL and the next state is read back from the migration's own
// progress table, inside the same file, which is also what a resumed run
// starts from.
package migrate
