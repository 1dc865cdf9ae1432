-- The journal schema version 1, as maker wrote it before sessions had a pid.
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
	samples       TEXT NOT NULL,
	PRIMARY KEY (run, step)
) WITHOUT ROWID;
CREATE VIEW IF NOT EXISTS samples AS
	SELECT st.run AS run, st.step AS step,
		s.value ->> 's' AS seq, s.value ->> 'i' AS idx, coalesce(s.value ->> 't', 0) AS temperature,
		CASE WHEN s.value ->> 'v' IS NULL THEN NULL ELSE st.tally -> (s.value ->> 'v') ->> 'key' END AS key,
		s.value ->> 'f' AS flag, coalesce(s.value ->> 'c', 0) AS cancelled, s.value ->> 'x' AS text,
		coalesce(s.value ->> 'in', 0) AS input_tokens, coalesce(s.value ->> 'ci', 0) AS cached_tokens,
		coalesce(s.value ->> 'out', 0) AS output_tokens, coalesce(s.value ->> 'usd', 0) AS cost,
		coalesce(s.value ->> 'ns', 0) AS latency_ns, coalesce(s.value ->> 'r', 0) AS retries, s.value ->> 'e' AS error
	FROM steps st, json_each(st.samples) s;
PRAGMA user_version = 1;
