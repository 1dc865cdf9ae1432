package sqlite

// schemaVersion is stored in PRAGMA user_version; a database written by a
// newer schema is refused rather than misread.
const schemaVersion = 1

// schema creates the journal's tables. Runs are keyed by a short text id for
// people and by an integer for the rows that reference them, which keeps the
// step and sample rows small. Steps and samples are WITHOUT ROWID tables
// clustered on their natural keys, the order every reader walks them in.
const schema = `
CREATE TABLE IF NOT EXISTS runs (
	seq         INTEGER PRIMARY KEY,
	id          TEXT NOT NULL UNIQUE,
	kind        TEXT NOT NULL,
	task        TEXT NOT NULL,
	params      TEXT NOT NULL,
	model       TEXT NOT NULL,
	simulated   INTEGER NOT NULL,
	config      TEXT NOT NULL,
	version     TEXT NOT NULL,
	keep        TEXT NOT NULL,
	status      TEXT NOT NULL,
	steps       INTEGER NOT NULL DEFAULT 0,
	total_steps INTEGER NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
	run        INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	n          INTEGER NOT NULL,
	start_step INTEGER NOT NULL,
	status     TEXT NOT NULL,
	started_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	summary    TEXT,
	PRIMARY KEY (run, n)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS steps (
	run           INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	step          INTEGER NOT NULL,
	session       INTEGER NOT NULL,
	k             INTEGER NOT NULL,
	prev          TEXT NOT NULL,
	action        TEXT NOT NULL,
	key           TEXT NOT NULL,
	state         TEXT NOT NULL,
	tally         TEXT NOT NULL,
	votes         INTEGER NOT NULL,
	flagged       INTEGER NOT NULL,
	flags         TEXT,
	cancelled     INTEGER NOT NULL,
	retries       INTEGER NOT NULL,
	input_tokens  INTEGER NOT NULL,
	cached_tokens INTEGER NOT NULL,
	output_tokens INTEGER NOT NULL,
	cost          REAL NOT NULL,
	wall_ns       INTEGER NOT NULL,
	wrong         INTEGER NOT NULL,
	wrong_why     TEXT,
	PRIMARY KEY (run, step)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS samples (
	run           INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	step          INTEGER NOT NULL,
	seq           INTEGER NOT NULL,
	idx           INTEGER NOT NULL,
	temperature   REAL NOT NULL,
	vote          INTEGER,
	flag          TEXT,
	cancelled     INTEGER NOT NULL,
	text          TEXT,
	input_tokens  INTEGER NOT NULL,
	cached_tokens INTEGER NOT NULL,
	output_tokens INTEGER NOT NULL,
	cost          REAL NOT NULL,
	latency_ns    INTEGER NOT NULL,
	retries       INTEGER NOT NULL,
	error         TEXT,
	PRIMARY KEY (run, step, seq)
) WITHOUT ROWID;
`
