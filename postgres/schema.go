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
}

// schemaVersion is the version this maker writes.
var schemaVersion = len(migrations)
