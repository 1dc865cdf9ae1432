package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/maker-go/maker"
)

// Summary is the run's summary over the original run and every resumption:
// the same fields a run reports for itself, with the counters added up, the
// steps those committed, and the outcome of the latest session. A session
// that ended wrote its own summary, which also counts the samples of a step
// it did not decide; a session that was killed is rebuilt from its
// committed steps (what it spent on steps it did not commit is not known),
// and its wall time runs to its last commit.
func (db *DB) Summary(ctx context.Context, id string) (*maker.Summary, error) {
	run, err := db.Run(ctx, id)
	if err != nil {
		return nil, err
	}
	seq, _, err := db.lookup(ctx, run.ID)
	if err != nil {
		return nil, err
	}
	total := &maker.Summary{
		Task:           run.Task,
		Model:          run.Model,
		Simulated:      run.Simulated,
		TotalSteps:     run.TotalSteps,
		Steps:          run.Steps,
		Flagged:        map[maker.Flag]int64{},
		VotesHistogram: maker.Histogram{},
		StopReason:     "running or killed",
	}
	haveK := false
	for _, s := range run.Sessions {
		part := s.Summary
		if part == nil {
			if part, err = db.foldSession(ctx, seq, s); err != nil {
				return nil, err
			}
		}
		if !haveK && part.K > 0 {
			total.K, haveK = part.K, true
		}
		if total.Pricing.Zero() {
			total.Pricing = part.Pricing
		}
		add(total, part)
		if s.Summary != nil {
			total.Success, total.Done, total.StopReason, total.Error = part.Success, part.Done, part.StopReason, part.Error
		} else {
			total.Success, total.Done, total.StopReason, total.Error = false, false, "running or killed", ""
		}
	}
	total.Derive()
	return total, nil
}

// add folds one session's summary into the run's.
func add(t, s *maker.Summary) {
	t.KMax = max(t.KMax, s.KMax)
	t.WrongSteps += s.WrongSteps
	if s.FirstWrongStep != nil && (t.FirstWrongStep == nil || *s.FirstWrongStep < *t.FirstWrongStep) {
		n := *s.FirstWrongStep
		t.FirstWrongStep, t.FirstWrongWhy = &n, s.FirstWrongWhy
	}
	t.Samples += s.Samples
	t.ValidVotes += s.ValidVotes
	t.WinnerVotes += s.WinnerVotes
	for f, n := range s.Flagged {
		t.Flagged[f] += n
	}
	t.Cancelled += s.Cancelled
	t.Retries += s.Retries
	t.MaxVotesInStep = max(t.MaxVotesInStep, s.MaxVotesInStep)
	t.StepsOverK += s.StepsOverK
	for v, n := range s.VotesHistogram {
		t.VotesHistogram[v] += n
	}
	t.InputTokens += s.InputTokens
	t.CachedInput += s.CachedInput
	t.OutputTokens += s.OutputTokens
	t.CostUSD += s.CostUSD
	t.WallSeconds += s.WallSeconds
	t.Speculation.Add(s.Speculation)
}

// foldSession rebuilds the summary of a session that did not end from its
// committed steps, as the engine would have counted them.
func (db *DB) foldSession(ctx context.Context, seq int64, s Session) (*maker.Summary, error) {
	sum := &maker.Summary{
		Flagged:        map[maker.Flag]int64{},
		VotesHistogram: maker.Histogram{},
		StartStep:      s.StartStep,
		WallSeconds:    s.Updated.Sub(s.Started).Seconds(),
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT step, k, votes, flags, cancelled, retries, input_tokens, cached_tokens, output_tokens, cost, wrong, wrong_why, key, tally
		FROM steps WHERE run = ? AND session = ? ORDER BY step`, seq, s.N)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var step, k, votes, cancelled, retries int
		var in, cached, out int64
		var cost float64
		var wrong bool
		var flags, why sql.NullString
		var key, tally string
		if err := rows.Scan(&step, &k, &votes, &flags, &cancelled, &retries, &in, &cached, &out, &cost, &wrong, &why, &key, &tally); err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		var counts []maker.KeyCount
		if err := json.Unmarshal([]byte(tally), &counts); err != nil {
			return nil, fmt.Errorf("journal: step %d tally: %w", step+1, err)
		}
		for _, kc := range counts {
			if kc.Key == key {
				sum.WinnerVotes += int64(kc.Votes)
			}
		}
		if sum.Steps == 0 {
			sum.K = k
		}
		sum.Steps++
		sum.VotesHistogram[votes]++
		sum.MaxVotesInStep = max(sum.MaxVotesInStep, votes)
		if votes > k {
			sum.StepsOverK++
		}
		sum.KMax = max(sum.KMax, k)
		if wrong {
			sum.WrongSteps++
			if sum.FirstWrongStep == nil {
				n := step + 1
				sum.FirstWrongStep, sum.FirstWrongWhy = &n, why.String
			}
		}
		var flagged int
		if flags.Valid {
			var m map[maker.Flag]int64
			if err := json.Unmarshal([]byte(flags.String), &m); err != nil {
				return nil, fmt.Errorf("journal: step %d flags: %w", step+1, err)
			}
			for f, n := range m {
				sum.Flagged[f] += n
				flagged += int(n)
			}
		}
		sum.Samples += int64(votes + flagged + cancelled)
		sum.ValidVotes += int64(votes)
		sum.Cancelled += int64(cancelled)
		sum.Retries += int64(retries)
		sum.InputTokens += in
		sum.CachedInput += cached
		sum.OutputTokens += out
		sum.CostUSD += cost
	}
	return sum, rows.Err()
}
