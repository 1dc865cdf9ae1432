package postgres

// lockClass is the first key of every advisory lock the journal takes
// ("mkr1"): a run's lock is (lockClass, run seq), the migration lock
// (lockClass, 0), so they cannot collide with another program's locks on
// the same database that use the two-key form with another class.
const lockClass = 0x6d6b7231

// migrations are the schema's versions: migrations[i] upgrades version i
// to i+1, and the database's version is the row of schema_version. The
// numbering follows the SQLite journal's (version 2 is runs, sessions with
// their process, and steps), so one number names one shape of journal in
// both backends; a database newer than this maker is refused rather than
// misread. Version 3 adds a table only this backend has, the fleet's
// shared rate limits: the SQLite journal, which one machine uses and
// which paces in its process, has no version 3; version 4 is the same in
// both.
var migrations = []string{
	// 0 -> 1: nothing; the SQLite journal's version 1 predates this
	// backend.
	``,
	// 1 -> 2: the journal.
	`
CREATE TABLE runs (
	seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id          text NOT NULL UNIQUE,
	kind        text NOT NULL,
	task        text NOT NULL,
	params      text NOT NULL,
	model       text NOT NULL,
	simulated   boolean NOT NULL,
	config      text NOT NULL,
	version     text NOT NULL,
	keep        text NOT NULL,
	status      text NOT NULL,
	steps       integer NOT NULL DEFAULT 0,
	total_steps integer NOT NULL,
	created_at  bigint NOT NULL,
	updated_at  bigint NOT NULL
);
CREATE INDEX runs_created ON runs (created_at DESC, seq DESC);
CREATE TABLE sessions (
	run        bigint NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	n          integer NOT NULL,
	start_step integer NOT NULL,
	status     text NOT NULL,
	started_at bigint NOT NULL,
	updated_at bigint NOT NULL,
	summary    text,
	pid        integer NOT NULL DEFAULT 0,
	host       text NOT NULL DEFAULT '',
	PRIMARY KEY (run, n)
);
CREATE TABLE steps (
	run           bigint NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	step          integer NOT NULL,
	session       integer NOT NULL,
	k             integer NOT NULL,
	prev          text NOT NULL,
	action        text NOT NULL,
	key           text NOT NULL,
	state         text NOT NULL,
	tally         text NOT NULL,
	votes         integer NOT NULL,
	flagged       integer NOT NULL,
	flags         text,
	cancelled     integer NOT NULL,
	retries       integer NOT NULL,
	input_tokens  bigint NOT NULL,
	cached_tokens bigint NOT NULL,
	output_tokens bigint NOT NULL,
	cost          double precision NOT NULL,
	wall_ns       bigint NOT NULL,
	wrong         boolean NOT NULL,
	wrong_why     text,
	samples       text NOT NULL,
	PRIMARY KEY (run, step)
);
CREATE VIEW samples AS
	SELECT st.run AS run, st.step AS step,
		(s.value ->> 's')::int AS seq, (s.value ->> 'i')::int AS idx, coalesce((s.value ->> 't')::float8, 0) AS temperature,
		CASE WHEN s.value ->> 'v' IS NULL THEN NULL ELSE st.tally::jsonb -> ((s.value ->> 'v')::int) ->> 'key' END AS key,
		s.value ->> 'f' AS flag, coalesce((s.value ->> 'c')::boolean, false) AS cancelled, s.value ->> 'x' AS text,
		coalesce((s.value ->> 'in')::bigint, 0) AS input_tokens, coalesce((s.value ->> 'ci')::bigint, 0) AS cached_tokens,
		coalesce((s.value ->> 'out')::bigint, 0) AS output_tokens, coalesce((s.value ->> 'usd')::float8, 0) AS cost,
		coalesce((s.value ->> 'ns')::bigint, 0) AS latency_ns, coalesce((s.value ->> 'r')::int, 0) AS retries, s.value ->> 'e' AS error,
		coalesce((s.value ->> 'b')::int, 0) AS batch
	FROM steps st, jsonb_array_elements(st.samples::jsonb) s;
`,
	// 2 -> 3: the providers' budgets that a fleet of workers shares (see
	// DB.Pacer): each key's next request and token slots; and the actions
	// of tasks that act on the world (see actions.go), a table the SQLite
	// journal creates when it first needs it.
	`
CREATE TABLE pace (
	key     text PRIMARY KEY,
	tat_req timestamptz NOT NULL,
	tat_tok timestamptz NOT NULL
);
CREATE TABLE actions (
	run         bigint NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	step        integer NOT NULL,
	session     integer NOT NULL,
	started_at  bigint NOT NULL,
	finished_at bigint,
	PRIMARY KEY (run, step)
);
`,
	// 3 -> 4: the indexes that list runs newest first by status or by
	// task kind, a page at a time, without reading the other runs (the
	// list of all runs has runs_created).
	`
CREATE INDEX IF NOT EXISTS runs_status ON runs (status, created_at DESC, seq DESC);
CREATE INDEX IF NOT EXISTS runs_kind ON runs (kind, created_at DESC, seq DESC);
`,
	// 4 -> 5: steps are written in a second, compact encoding (package
	// internal/journalio), and the samples view reads both: the first's
	// array of objects, and the second's [2, {header}, [out, micros, ns,
	// {extra}]...], whose defaults it fills in as the journal's decoder
	// does (a sample's seq is its place, its index its seq, its vote the
	// tally's first candidate unless flagged, cancelled or failed, its
	// input tokens the step's over its samples; the winner key is the key
	// column with the state put back in).
	`
DROP VIEW samples;
CREATE VIEW samples AS
	SELECT st.run AS run, st.step AS step,
		(s.value ->> 's')::int AS seq, (s.value ->> 'i')::int AS idx, coalesce((s.value ->> 't')::float8, 0) AS temperature,
		CASE WHEN s.value ->> 'v' IS NULL THEN NULL ELSE st.tally::jsonb -> ((s.value ->> 'v')::int) ->> 'key' END AS key,
		s.value ->> 'f' AS flag, coalesce((s.value ->> 'c')::boolean, false) AS cancelled, s.value ->> 'x' AS text,
		coalesce((s.value ->> 'in')::bigint, 0) AS input_tokens, coalesce((s.value ->> 'ci')::bigint, 0) AS cached_tokens,
		coalesce((s.value ->> 'out')::bigint, 0) AS output_tokens, coalesce((s.value ->> 'usd')::float8, 0) AS cost,
		coalesce((s.value ->> 'ns')::bigint, 0) AS latency_ns, coalesce((s.value ->> 'r')::int, 0) AS retries, s.value ->> 'e' AS error,
		coalesce((s.value ->> 'b')::int, 0) AS batch
	FROM steps st, jsonb_array_elements(st.samples::jsonb) s
	WHERE st.samples NOT LIKE '[2%'
UNION ALL
	SELECT run, step, seq, idx,
		coalesce((x ->> 't')::float8, CASE WHEN idx = 0 THEN coalesce((h ->> 't0')::float8, 0) ELSE coalesce((h ->> 't')::float8, 0.1) END) AS temperature,
		CASE WHEN vote < 0 THEN NULL
			WHEN tally = '' THEN winner
			WHEN jsonb_typeof(tally::jsonb -> vote) <> 'array' THEN winner
			ELSE tally::jsonb -> vote ->> 0 END AS key,
		flag, cancelled, x ->> 'x' AS text,
		coalesce((x ->> 'in')::bigint, (h ->> 'in')::bigint, step_in / n) AS input_tokens,
		coalesce((x ->> 'ci')::bigint, (h ->> 'ci')::bigint, step_cached / n) AS cached_tokens,
		coalesce((v ->> 0)::bigint, 0) AS output_tokens,
		coalesce((x ->> 'usd')::float8, coalesce((v ->> 1)::float8, 0) / 1e6::float8) AS cost,
		coalesce((v ->> 2)::bigint, 0) AS latency_ns, coalesce((x ->> 'r')::int, 0) AS retries, error, coalesce((x ->> 'b')::int, 0) AS batch
	FROM (SELECT *, coalesce((x ->> 'i')::int, seq) AS idx,
			coalesce((x ->> 'v')::int, CASE WHEN flag IS NULL AND NOT cancelled AND error IS NULL THEN 0 ELSE -1 END) AS vote,
			CASE WHEN coalesce((h ->> 'kl')::boolean, false) THEN keycol
			ELSE substr(keycol, 1, length(keycol) - coalesce((h ->> 'ke')::int, 0)) || state || substr(keycol, length(keycol) - coalesce((h ->> 'ke')::int, 0) + 1) END AS winner
		FROM (SELECT st.run AS run, st.step AS step, st.key AS keycol, st.state AS state, st.tally AS tally,
				st.input_tokens AS step_in, st.cached_tokens AS step_cached, jsonb_array_length(st.samples::jsonb) - 2 AS n,
				st.samples::jsonb -> 1 AS h, s.value AS v, s.value -> 3 AS x, coalesce((s.value -> 3 ->> 's')::int, (s.n - 3)::int) AS seq,
				s.value -> 3 ->> 'f' AS flag, coalesce((s.value -> 3 ->> 'c')::boolean, false) AS cancelled, s.value -> 3 ->> 'e' AS error
			FROM steps st, jsonb_array_elements(st.samples::jsonb) WITH ORDINALITY s(value, n)
			WHERE st.samples LIKE '[2%' AND s.n >= 3) a) b;
`,
	// 5 -> 6: the first decision cache, a decided step's winning text by
	// the digest of everything that determined its vote (version 8 drops
	// it).
	`
CREATE TABLE IF NOT EXISTS decisions (
	key        text PRIMARY KEY,
	text       text NOT NULL,
	run        text NOT NULL,
	step       integer NOT NULL,
	created_at bigint NOT NULL
);
`,
	// 6 -> 7: the questions runs ask a person (approvals.go) and their
	// answers.
	pendingDecisionsTable,
	// 7 -> 8: the decision cache is the runs' scope marks (cache.go),
	// over the steps the journal holds anyway; the per-step decisions
	// table goes.
	`
ALTER TABLE runs ADD COLUMN IF NOT EXISTS cache_scope text;
CREATE INDEX IF NOT EXISTS runs_cache_scope ON runs (cache_scope) WHERE cache_scope IS NOT NULL;
DROP TABLE IF EXISTS decisions;
`,
}

// schemaVersion is the version this maker writes.
var schemaVersion = len(migrations)
