package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/maker-go/maker"
)

// Pool is the journal's connection pool, for the programs that keep more
// than the journal in its database (package fleet's queue), so that they
// need no pool of their own.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// ClaimAbandonedTx reports whether run id is journaled running (or queued:
// its next session died before it could resume it) while no session holds
// its lock: the session that ran it ended without recording its end (its
// process died, or the server dropped its connection, which frees the
// lock). When so, it holds the run's lock until tx ends, so that
// no session can resume the run before tx commits what it decided (a
// fleet queues the run's next chunk). A run that ended, unknown or held
// reports false.
//
// The lock is the only proof that a session is alive: a session that
// holds it may still commit, and one that does not cannot (see
// [store.Commit]), so a run claimed here is never worked in two places.
func ClaimAbandonedTx(ctx context.Context, tx pgx.Tx, id string) (bool, error) {
	var seq int64
	var status string
	err := tx.QueryRow(ctx, `SELECT seq, status FROM runs WHERE id = $1`, id).Scan(&seq, &status)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("journal: run %s: %w", id, err)
	}
	if status != maker.StatusRunning && status != maker.StatusQueued {
		return false, nil
	}
	var free bool
	if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1, $2)`, lockClass, lockKey(seq)).Scan(&free); err != nil {
		return false, fmt.Errorf("journal: lock run %s: %w", id, err)
	}
	return free, nil
}
