package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journalio"
)

// store is the writes of one session, on the connection that holds the
// run's lock.
type store struct {
	db      *DB
	conn    *pgx.Conn
	run     int64
	session int
	endTx   func(ctx context.Context, tx any, status string) error
}

var _ journalio.Store = (*store)(nil)

// lockKey is the second key of a run's advisory lock: the run's seq, in
// the int4 the two-key form takes (runs two billion apart would share a
// lock, which only delays one).
func lockKey(seq int64) int32 { return int32(seq) }

// sessionConn opens the connection a session's lock lives on. It is a
// connection of its own, outside the pool, so that the pool never hands it
// to another caller and closing the pool does not wait for sessions.
//
// Both ends probe it when it idles (see [sessionKeepalive]): the server
// ends the session of a machine that went away, which frees the run's lock
// for another process to resume the run, and the process learns as soon
// that its lock is gone, so its next commit fails rather than waits.
func (db *DB) sessionConn(ctx context.Context) (*pgx.Conn, error) {
	cfg := db.pool.Config().ConnConfig.Copy()
	d := &net.Dialer{Timeout: cfg.ConnectTimeout, KeepAliveConfig: net.KeepAliveConfig{
		Enable: true, Idle: sessionKeepalive.idle, Interval: sessionKeepalive.interval, Count: sessionKeepalive.count,
	}}
	cfg.DialFunc = d.DialContext
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	k := sessionKeepalive
	// Settings of the session, not of the connection's start: a pooler
	// in front (PgBouncer) refuses start-up parameters it does not know.
	// Over a Unix socket the server ignores them.
	if _, err := conn.Exec(ctx, fmt.Sprintf(`SET tcp_keepalives_idle = %d; SET tcp_keepalives_interval = %d; SET tcp_keepalives_count = %d; SET tcp_user_timeout = %d`,
		int(k.idle.Seconds()), int(k.interval.Seconds()), k.count, k.userTimeout.Milliseconds())); err != nil {
		conn.Close(ctx)
		return nil, err
	}
	return conn, nil
}

// sessionKeepalive is how a session's connection is watched: probed after
// idle, then every interval, and taken for dead after count probes go
// unanswered, or once data sent waits userTimeout for its
// acknowledgement. A session whose machine is gone thus loses its run's
// lock within about 25 s, well inside the half minute within which a
// fleet hands a run on.
var sessionKeepalive = struct {
	idle, interval, userTimeout time.Duration
	count                       int
}{idle: 10 * time.Second, interval: 5 * time.Second, count: 3, userTimeout: 25 * time.Second}

// lock opens a session connection and takes run seq's lock on it; false
// (and no connection) when another session holds it.
func (db *DB) lock(ctx context.Context, seq int64) (*pgx.Conn, bool, error) {
	conn, err := db.sessionConn(ctx)
	if err != nil {
		return nil, false, err
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2)`, lockClass, lockKey(seq)).Scan(&ok); err != nil || !ok {
		conn.Close(ctx)
		return nil, false, err
	}
	return conn, true, nil
}

// unlock releases a session connection's lock, then ends the connection.
// The release is explicit because a closed connection's backend lets go of
// its locks only when it exits, a moment after Close returns: a resume
// right behind a finished session would find the run still held.
func unlock(conn *pgx.Conn) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := conn.Exec(ctx, `SELECT pg_advisory_unlock_all()`)
	return errors.Join(err, conn.Close(ctx))
}

// Create implements [maker.Journal.Create].
func (db *DB) Create(ctx context.Context, nr maker.NewRun, opts maker.JournalOptions) (maker.Recorder, error) {
	if db.readOnly {
		return nil, errReadOnly
	}
	params, config, opts, err := maker.CheckNewRun(nr, opts)
	if err != nil {
		return nil, err
	}
	conn, err := db.sessionConn(ctx)
	if err != nil {
		return nil, db.errorf("journal: %w", err)
	}
	seq, id, err := db.insertRun(ctx, conn, nr, params, config, opts.Keep)
	if err != nil {
		unlock(conn)
		return nil, err
	}
	// A new run's lock is free: nobody else knows its seq yet.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, $2)`, lockClass, lockKey(seq)); err != nil {
		unlock(conn)
		return nil, db.errorf("journal: lock run %s: %w", id, err)
	}
	return journalio.NewRecorder(&store{db, conn, seq, 0, opts.EndTx}, id, 0, 0, opts.Keep, opts), nil
}

func (db *DB) insertRun(ctx context.Context, conn *pgx.Conn, nr maker.NewRun, params, config json.RawMessage, keep maker.Keep) (int64, string, error) {
	host, _ := os.Hostname()
	now := millis(time.Now())
	for try := 0; ; try++ {
		id, err := newID()
		if err != nil {
			return 0, "", fmt.Errorf("journal: run id: %w", err)
		}
		tx, err := conn.Begin(ctx)
		if err != nil {
			return 0, "", db.errorf("journal: %w", err)
		}
		var seq int64
		err = tx.QueryRow(ctx, `INSERT INTO runs (id, kind, task, params, model, simulated, config, version, keep, status, steps, total_steps, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $12) ON CONFLICT (id) DO NOTHING RETURNING seq`,
			id, nr.Kind, nr.Task, string(params), nr.Model, nr.Simulated, string(config), nr.Version, string(keep), maker.StatusRunning, nr.TotalSteps, now).Scan(&seq)
		if errors.Is(err, pgx.ErrNoRows) { // the id is taken: draw another
			tx.Rollback(ctx)
			if try > 20 {
				return 0, "", errors.New("journal: could not draw a free run id")
			}
			continue
		}
		if err == nil {
			_, err = tx.Exec(ctx, `INSERT INTO sessions (run, n, start_step, status, started_at, updated_at, pid, host) VALUES ($1, 0, 0, $2, $3, $3, $4, $5)`,
				seq, maker.StatusRunning, now, os.Getpid(), host)
		}
		if err == nil {
			err = tx.Commit(ctx)
		}
		if err != nil {
			tx.Rollback(ctx)
			return 0, "", db.errorf("journal: create run: %w", err)
		}
		return seq, id, nil
	}
}

// Resume implements [maker.Journal.Resume]. The lock is the run's advisory
// lock, taken on a connection the recorder keeps; a refusal names the pid
// and host of the latest running session.
func (db *DB) Resume(ctx context.Context, id string, opts maker.JournalOptions) (maker.Recorder, *maker.Checkpoint[json.RawMessage], error) {
	if db.readOnly {
		return nil, nil, errReadOnly
	}
	seq, id, err := db.lookup(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	conn, ok, err := db.lock(ctx, seq)
	if err != nil {
		return nil, nil, db.errorf("journal: lock run %s: %w", id, err)
	}
	if !ok {
		return nil, nil, db.lockedError(ctx, seq, id)
	}
	rec, cp, err := db.resume(ctx, conn, seq, id, opts)
	if err != nil {
		unlock(conn)
		return nil, nil, err
	}
	return rec, cp, nil
}

func (db *DB) resume(ctx context.Context, conn *pgx.Conn, seq int64, id string, opts maker.JournalOptions) (maker.Recorder, *maker.Checkpoint[json.RawMessage], error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, nil, db.errorf("journal: %w", err)
	}
	defer tx.Rollback(ctx)
	var status, keep string
	var steps int
	if err := tx.QueryRow(ctx, `SELECT status, keep, steps FROM runs WHERE seq = $1`, seq).Scan(&status, &keep, &steps); err != nil {
		return nil, nil, db.errorf("journal: %w", err)
	}
	if status == maker.StatusDone {
		return nil, nil, fmt.Errorf("journal: run %s is done: nothing to resume", id)
	}
	cp, err := checkpoint(ctx, tx, seq, steps)
	if err != nil {
		return nil, nil, db.errorf("journal: run %s: %w", id, err)
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(n), -1) + 1 FROM sessions WHERE run = $1`, seq).Scan(&n); err != nil {
		return nil, nil, db.errorf("journal: %w", err)
	}
	host, _ := os.Hostname()
	now := millis(time.Now())
	if _, err := tx.Exec(ctx, `INSERT INTO sessions (run, n, start_step, status, started_at, updated_at, pid, host) VALUES ($1, $2, $3, $4, $5, $5, $6, $7)`,
		seq, n, cp.Step, maker.StatusRunning, now, os.Getpid(), host); err != nil {
		return nil, nil, db.errorf("journal: resume: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE runs SET status = $1, updated_at = $2 WHERE seq = $3`, maker.StatusRunning, now, seq); err != nil {
		return nil, nil, db.errorf("journal: resume: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, nil, db.errorf("journal: resume: %w", err)
	}
	if opts.Keep == "" {
		opts.Keep = maker.Keep(keep)
	}
	if _, err := maker.ParseKeep(string(opts.Keep)); err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	return journalio.NewRecorder(&store{db, conn, seq, n, opts.EndTx}, id, n, cp.Step, opts.Keep, opts), cp, nil
}

// lockedError says who holds run seq: the latest session still marked
// running.
func (db *DB) lockedError(ctx context.Context, seq int64, id string) error {
	var n, pid int
	var host string
	err := db.pool.QueryRow(ctx, `SELECT n, pid, host FROM sessions WHERE run = $1 AND status = $2 ORDER BY n DESC LIMIT 1`, seq, maker.StatusRunning).Scan(&n, &pid, &host)
	if err != nil {
		return fmt.Errorf("journal: run %s is held by another session: %w; wait for it to end, or stop it", id, maker.ErrLocked)
	}
	doing := "resumed"
	if n == 0 {
		doing = "run"
	}
	return fmt.Errorf("journal: run %s is being %s by pid %d on %s (session %d): %w; wait for it to end, or stop it", id, doing, pid, host, n, maker.ErrLocked)
}

// checkpoint reads the last committed step and checks that the steps are
// the gap-free prefix the writer guarantees.
func checkpoint(ctx context.Context, q querier, seq int64, steps int) (*maker.Checkpoint[json.RawMessage], error) {
	var count, next int
	if err := q.QueryRow(ctx, `SELECT count(*), coalesce(max(step), -1) + 1 FROM steps WHERE run = $1`, seq).Scan(&count, &next); err != nil {
		return nil, err
	}
	if count != next || count != steps {
		return nil, maker.InconsistentSteps(count, next, steps)
	}
	cp := &maker.Checkpoint[json.RawMessage]{Step: count}
	if count == 0 {
		return cp, nil
	}
	var state string
	if err := q.QueryRow(ctx, `SELECT state, action FROM steps WHERE run = $1 AND step = $2`, seq, count-1).Scan(&state, &cp.Prev); err != nil {
		return nil, err
	}
	cp.State = json.RawMessage(state)
	return cp, nil
}

// Commit implements [journalio.Store]: the steps (sent as one batch) and
// the run's count in one transaction, on the connection that holds the
// lock. A connection does not come back once broken, and the lock dies
// with it, so a session that lost its lock cannot commit.
func (st *store) Commit(ctx context.Context, rows []journalio.Row) error {
	tx, err := st.conn.Begin(ctx)
	if err != nil {
		return st.db.errorf("%w", err)
	}
	defer tx.Rollback(ctx)
	if err := st.insert(ctx, tx, rows); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return st.db.errorf("%w", err)
	}
	return nil
}

// insert writes steps with the run's count and the session's time, as one
// batch.
func (st *store) insert(ctx context.Context, tx pgx.Tx, rows []journalio.Row) error {
	if len(rows) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for i := range rows {
		r := &rows[i]
		b.Queue(`INSERT INTO steps (run, step, session, k, prev, action, key, state, tally, votes, flagged, flags, cancelled, retries,
		input_tokens, cached_tokens, output_tokens, cost, wall_ns, wrong, wrong_why, samples) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
			st.run, r.Step, st.session, r.K, r.Prev, r.Action, r.Key, r.State, r.Tally, r.Votes, r.Flagged, r.Flags,
			r.Cancelled, r.Retries, r.In, r.Cached, r.Out, r.Cost, r.Wall, r.Wrong, r.WrongWhy, r.Samples)
	}
	last := rows[len(rows)-1].Step + 1
	now := millis(time.Now())
	b.Queue(`UPDATE runs SET steps = $1, updated_at = $2 WHERE seq = $3`, last, now, st.run)
	b.Queue(`UPDATE sessions SET updated_at = $1 WHERE run = $2 AND n = $3`, now, st.run, st.session)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return st.db.errorf("%w", err)
	}
	return nil
}

// End implements [journalio.Store]: the last steps, the session's status
// and summary, the run's status and the options' EndTx (given the pgx.Tx)
// in one transaction; then the lock.
func (st *store) End(ctx context.Context, rows []journalio.Row, sum *maker.Summary, status string) error {
	defer st.Release()
	if st.conn == nil {
		return errors.New("the session's connection is closed")
	}
	var sumJSON *string
	if sum != nil {
		b, err := json.Marshal(sum)
		if err != nil {
			return fmt.Errorf("summary: %w", err)
		}
		s := string(b)
		sumJSON = &s
	}
	tx, err := st.conn.Begin(ctx)
	if err != nil {
		return st.db.errorf("%w", err)
	}
	defer tx.Rollback(ctx)
	if err := st.insert(ctx, tx, rows); err != nil {
		return err
	}
	now := millis(time.Now())
	if _, err := tx.Exec(ctx, `UPDATE sessions SET status = $1, summary = $2, updated_at = $3 WHERE run = $4 AND n = $5`,
		status, sumJSON, now, st.run, st.session); err != nil {
		return st.db.errorf("%w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE runs SET status = $1, updated_at = $2 WHERE seq = $3`, status, now, st.run); err != nil {
		return st.db.errorf("%w", err)
	}
	if st.endTx != nil {
		if err := st.endTx(ctx, tx, status); err != nil {
			return st.db.errorf("%w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return st.db.errorf("%w", err)
	}
	return nil
}

// Release implements [journalio.Store]: it ends the session's connection,
// which unlocks the run. A second call does nothing.
func (st *store) Release() error {
	if st.conn == nil {
		return nil
	}
	conn := st.conn
	st.conn = nil
	return unlock(conn)
}
