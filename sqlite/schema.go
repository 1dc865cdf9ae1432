package sqlite

// schemaVersion is stored in PRAGMA user_version; a database written by a
// newer schema is refused rather than misread. One number names one shape
// of journal in both backends (see package postgres).
var schemaVersion = len(upgrades)

// upgrades[v] upgrades a journal of version v to v+1; "" where this
// backend's shape did not change. A new journal is created at version 2
// by schema and then upgraded from there. The list is append-only: an
// existing journal runs every upgrade after its version, in order.
var upgrades = []string{
	// 0 -> 1 -> 2: schema creates version 2.
	0: ``,
	// 1 -> 2: the pid of the process that runs each session, which is
	// what keeps two processes from running one run at once, and the
	// samples view's batch column.
	1: `ALTER TABLE sessions ADD COLUMN pid INTEGER NOT NULL DEFAULT 0;
DROP VIEW IF EXISTS samples;
` + samplesView,
	// 2 -> 3: nothing; version 3 is the PostgreSQL journal's table of
	// shared rate limits.
	2: ``,
	// 3 -> 4: the indexes that list runs newest first, by status or by
	// task kind, a page at a time, without reading the other runs (each
	// index ends in the rowid, seq, the tie-break of the order).
	3: `CREATE INDEX IF NOT EXISTS runs_created ON runs (created_at);
CREATE INDEX IF NOT EXISTS runs_status ON runs (status, created_at);
CREATE INDEX IF NOT EXISTS runs_kind ON runs (kind, created_at);
`,
	// 4 -> 5: steps are written in a second, compact encoding (package
	// internal/journalio), and the samples view reads both.
	4: `DROP VIEW IF EXISTS samples;
` + samplesView,
	// 5 -> 6: the decision cache (cache.go): a decided step's winning
	// text by the digest of everything that determined its vote.
	5: decisionsTable,
	// 6 -> 7: the questions runs ask a person (approvals.go) and their
	// answers.
	6: pendingDecisionsTable,
	// 7 -> 8: the decision cache is the runs' scope marks (cache.go),
	// over the steps the journal holds anyway; the per-step decisions
	// table goes. Runs from before it have no mark: the next run in
	// their scope votes, and is reused from then on.
	7: `ALTER TABLE runs ADD COLUMN cache_scope TEXT;
CREATE INDEX IF NOT EXISTS runs_cache_scope ON runs (cache_scope) WHERE cache_scope IS NOT NULL;
DROP TABLE IF EXISTS decisions;
`,
}

// decisionsTable was the first decision cache, one row a decided step
// keyed by the digest of what determined its vote; version 8 drops it (a
// journal's upgrade from before version 6 still makes it on the way).
const decisionsTable = `CREATE TABLE IF NOT EXISTS decisions (
	key        TEXT PRIMARY KEY,
	text       TEXT NOT NULL,
	run        TEXT NOT NULL,
	step       INTEGER NOT NULL,
	created_at INTEGER NOT NULL
) WITHOUT ROWID;
`

// schema creates the journal's tables. Runs are keyed by a short text id for
// people and by an integer for the rows that reference them, which keeps the
// step rows small. Steps are a WITHOUT ROWID table clustered on (run, step),
// the order every reader walks them in.
//
// A step's samples are in the step's row rather than rows of their own:
// one insert per step instead of one per sample cuts the journal's cost
// severalfold, and the samples view turns them back into rows for anyone
// who queries the file with SQL. A row is in the compact encoding of
// internal/journalio, which stores nothing its other columns already say
// (a sample's vote is the index of its key in the tally, the winner key
// leaves out the state).
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
	pid        INTEGER NOT NULL DEFAULT 0, -- the process running it; 0 when unknown
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
` + samplesView

// samplesView turns the steps' sample arrays back into rows, one a sample,
// in either encoding: the first's array of objects, and the second's
// [2, {header}, [out, micros, ns, {extra}]...], whose defaults it fills in
// as internal/journalio's decoder does (a sample's seq is its place, its
// index its seq, its vote the tally's first candidate unless flagged,
// cancelled or failed, its input tokens the step's over its samples; the
// winner key is the key column with the state put back in).
const samplesView = `CREATE VIEW IF NOT EXISTS samples AS
	SELECT st.run AS run, st.step AS step,
		s.value ->> 's' AS seq, s.value ->> 'i' AS idx, coalesce(s.value ->> 't', 0) AS temperature,
		CASE WHEN s.value ->> 'v' IS NULL THEN NULL ELSE st.tally -> (s.value ->> 'v') ->> 'key' END AS key,
		s.value ->> 'f' AS flag, coalesce(s.value ->> 'c', 0) AS cancelled, s.value ->> 'x' AS text,
		coalesce(s.value ->> 'in', 0) AS input_tokens, coalesce(s.value ->> 'ci', 0) AS cached_tokens,
		coalesce(s.value ->> 'out', 0) AS output_tokens, coalesce(s.value ->> 'usd', 0) AS cost,
		coalesce(s.value ->> 'ns', 0) AS latency_ns, coalesce(s.value ->> 'r', 0) AS retries, s.value ->> 'e' AS error,
		coalesce(s.value ->> 'b', 0) AS batch
	FROM steps st, json_each(st.samples) s
	WHERE st.samples NOT LIKE '[2%'
UNION ALL
	SELECT run, step, seq, idx,
		coalesce(x ->> 't', CASE WHEN idx = 0 THEN coalesce(h ->> 't0', 0) ELSE coalesce(h ->> 't', 0.1) END) AS temperature,
		CASE WHEN vote < 0 THEN NULL
			WHEN tally = '' THEN winner
			WHEN json_type(tally, '$[' || vote || ']') <> 'array' THEN winner
			ELSE tally -> vote ->> 0 END AS key,
		flag, cancelled, x ->> 'x' AS text,
		coalesce(x ->> 'in', h ->> 'in', step_in / n) AS input_tokens, coalesce(x ->> 'ci', h ->> 'ci', step_cached / n) AS cached_tokens,
		coalesce(v ->> 0, 0) AS output_tokens, coalesce(x ->> 'usd', coalesce(v ->> 1, 0) / 1e6) AS cost,
		coalesce(v ->> 2, 0) AS latency_ns, coalesce(x ->> 'r', 0) AS retries, error, coalesce(x ->> 'b', 0) AS batch
	FROM (SELECT *, coalesce(x ->> 'i', seq) AS idx,
			coalesce(x ->> 'v', CASE WHEN flag IS NULL AND cancelled = 0 AND error IS NULL THEN 0 ELSE -1 END) AS vote,
			CASE WHEN h ->> 'kl' THEN keycol
			ELSE substr(keycol, 1, length(keycol) - coalesce(h ->> 'ke', 0)) || state || substr(keycol, length(keycol) - coalesce(h ->> 'ke', 0) + 1) END AS winner
		FROM (SELECT st.run AS run, st.step AS step, st.key AS keycol, st.state AS state, st.tally AS tally,
				st.input_tokens AS step_in, st.cached_tokens AS step_cached, json_array_length(st.samples) - 2 AS n,
				st.samples -> 1 AS h, s.value AS v, s.value -> 3 AS x, coalesce(s.value -> 3 ->> 's', s.key - 2) AS seq,
				s.value -> 3 ->> 'f' AS flag, coalesce(s.value -> 3 ->> 'c', 0) AS cancelled, s.value -> 3 ->> 'e' AS error
			FROM steps st, json_each(st.samples) s
			WHERE st.samples LIKE '[2%' AND s.key >= 2));
`
