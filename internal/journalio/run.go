package journalio

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/maker-go/maker"
)

// RunColumns are the columns of a run's row, in the order [ScanRun] reads
// them; both backends keep runs in this layout.
const RunColumns = `seq, id, kind, task, params, model, simulated, config, version, keep, status, steps, total_steps, created_at, updated_at`

// ScanRun reads a row of [RunColumns] (from database/sql or pgx alike) as
// the run's internal sequence number and its record.
func ScanRun(sc interface{ Scan(...any) error }) (int64, *maker.RunRecord, error) {
	var r maker.RunRecord
	var seq, created, updated int64
	var params, config, keep string
	if err := sc.Scan(&seq, &r.ID, &r.Kind, &r.Task, &params, &r.Model, &r.Simulated, &config, &r.Version, &keep, &r.Status, &r.Steps, &r.TotalSteps, &created, &updated); err != nil {
		return 0, nil, err
	}
	r.Params, r.Config, r.Keep = json.RawMessage(params), json.RawMessage(config), maker.Keep(keep)
	r.Created, r.Updated = FromMillis(created), FromMillis(updated)
	return seq, &r, nil
}

// Millis is how both backends store a time: milliseconds since the epoch.
func Millis(t time.Time) int64 { return t.UnixMilli() }

// FromMillis reads a time stored by [Millis], in UTC.
func FromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// PickRun decides which run an id or prefix names, given the runs whose
// id starts with it (at most a few, the exact match first when there is
// one): the exact match, else the only match; none is [maker.ErrNoRun],
// several is an error asking for more of the id.
func PickRun(id string, seqs []int64, ids []string) (int64, string, error) {
	for i := range ids {
		if ids[i] == id {
			return seqs[i], ids[i], nil
		}
	}
	switch len(seqs) {
	case 0:
		return 0, "", fmt.Errorf("journal: run %q: %w", id, maker.ErrNoRun)
	case 1:
		return seqs[0], ids[0], nil
	}
	return 0, "", fmt.Errorf("journal: run id %q is ambiguous (%s, %s, ...): give more of it", id, ids[0], ids[1])
}
