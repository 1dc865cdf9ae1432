package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/maker-go/maker"
)

// Pacer returns a [maker.Pacer] kept in this database, so that every
// worker of a fleet that shares the database keeps one provider quota
// between them: set it as the Transport's Pacer and --rpm and --tpm hold
// for the fleet, not for each worker.
//
// Each budget is a row of the pace table holding two theoretical arrival
// times, the generic cell rate algorithm's virtual schedule: one for
// requests and one for tokens. A Wait reserves its slot in one UPDATE
// that reads and moves them under the row's lock, timed by the server's
// clock_timestamp(), so that workers on machines whose clocks disagree
// still share one schedule (each then sleeps only the duration the
// server returned). Requests get no burst: they are spaced 60/rpm seconds
// apart, so any minute holds at most rpm of them across the fleet, as
// sent; a provider that counts them on arrival sees the network's jitter
// on top. Tokens may burst up to a minute's worth, as the in-process
// limiter's bucket does, and a request estimated at more than a minute's
// tokens is charged a minute's.
//
// A Wait whose ctx ends while it sleeps returns ctx.Err() but keeps the
// slot it reserved: giving it back could not be done atomically for the
// reservations made after it, and an unused slot only errs on the safe
// side. A database that cannot be reached is an error from Wait, which
// the provider's retries treat as a lost connection (see provider.Limit).
// The pacer of a journal opened read-only fails every Wait.
func (db *DB) Pacer() maker.Pacer { return pacer{db} }

type pacer struct{ db *DB }

// arrivalMargin widens the spacing of requests by 5%: at 600 rpm, 3 s of
// a minute. A request leaves its worker some time after its slot, and
// on a busy machine (a worker starved of processor) that delay varies by
// seconds; without room for it, a provider counting on arrival could see
// more than rpm requests in one of its minutes, as a fleet test on a
// loaded 2-core machine did with a 1% margin (624 at --rpm 600).
const arrivalMargin = 0.05

// reserve moves a budget's schedule on by one request and returns how
// long after the statement's clock its slot comes. $2 is the spacing of
// requests and $3 the request's tokens' share of a minute, both in
// seconds, NULL where that kind is not limited; greatest() skips NULLs.
// The slot is the latest of now, the request schedule and the token
// schedule less a minute's burst; the request schedule then moves to the
// slot plus one spacing, the token schedule by the request's share. In
// RETURNING p holds the new schedules, from which the slot is read back.
const reserve = `
WITH c AS MATERIALIZED (SELECT clock_timestamp() AS now)
UPDATE pace p SET
	tat_req = CASE WHEN $2::float8 IS NULL THEN p.tat_req ELSE
		greatest(c.now, p.tat_req, greatest(p.tat_tok, c.now) + make_interval(secs => $3::float8) - interval '1 minute')
			+ make_interval(secs => $2::float8) END,
	tat_tok = CASE WHEN $3::float8 IS NULL THEN p.tat_tok ELSE
		greatest(p.tat_tok, c.now) + make_interval(secs => $3::float8) END
FROM c
WHERE p.key = $1
RETURNING extract(epoch FROM greatest(c.now, p.tat_req - make_interval(secs => $2::float8),
	CASE WHEN $3::float8 IS NOT NULL THEN p.tat_tok - interval '1 minute' END) - c.now)::float8`

// Wait implements [maker.Pacer].
func (p pacer) Wait(ctx context.Context, key string, rpm, tpm float64, tokens int) error {
	db := p.db
	switch {
	case db.readOnly:
		return db.errorf("pace %s: %w", key, errReadOnly)
	case math.IsNaN(rpm) || math.IsNaN(tpm) || rpm < 0 || tpm < 0:
		return fmt.Errorf("pace %s: rate limits must be numbers not below 0 (rpm %g, tpm %g)", key, rpm, tpm)
	case rpm == 0 && tpm == 0:
		return ctx.Err()
	}
	var spacing, share *float64
	if rpm > 0 {
		s := 60 / rpm * (1 + arrivalMargin)
		spacing = &s
	}
	if tpm > 0 {
		s := 60 * min(float64(max(tokens, 0)), tpm) / tpm
		share = &s
	}
	var secs float64
	err := db.pool.QueryRow(ctx, reserve, key, spacing, share).Scan(&secs)
	if errors.Is(err, pgx.ErrNoRows) {
		// A budget's first use: make its row, with schedules that have
		// not begun, then reserve.
		_, err = db.pool.Exec(ctx, `INSERT INTO pace (key, tat_req, tat_tok) VALUES ($1, '-infinity', '-infinity') ON CONFLICT (key) DO NOTHING`, key)
		if err == nil {
			err = db.pool.QueryRow(ctx, reserve, key, spacing, share).Scan(&secs)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return db.errorf("pace %s: %w", key, err)
	}
	if secs <= 0 {
		return nil
	}
	// The server's clock read before the reply came, so sleeping from now
	// can only start the request later than its slot, never earlier.
	t := time.NewTimer(time.Duration(secs * float64(time.Second)))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
