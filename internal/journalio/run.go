package journalio

import (
	"encoding/json"
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
