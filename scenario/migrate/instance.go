package migrate

import (
	"fmt"
	"io"

	"github.com/maker-go/maker/scenario"
)

// Sizes of generated databases, in rows (customers and orders together).
const (
	DefaultRows = 3000
	LargeRows   = 1_500_000
	MinRows     = 30
	MaxRows     = 20_000_000
)

// Instance is a database to migrate: how many rows it holds, the seed its
// content is drawn from, the downtime budget and, for tests of the
// rollback path, the migration whose run loses a row on purpose.
type Instance struct {
	Rows int    `json:"rows"`
	Seed uint64 `json:"seed"`
	// FailAt names a risky migration whose apply also deletes one order,
	// so its validation fails and the procedure must roll back.
	FailAt string `json:"fail_at,omitempty"`
	// DowntimeBudgetMS is the most time the application may spend in
	// maintenance over the whole migration.
	DowntimeBudgetMS int64 `json:"downtime_budget_ms"`
}

// Generate returns the instance of a database of the given number of rows
// drawn from seed, with the default downtime budget (see [newInstance]).
func Generate(rows int, seed uint64) (Instance, error) {
	in := newInstance(rows, seed)
	return in, in.Validate()
}

// newInstance returns an instance of the given size with the default
// downtime budget: ten seconds plus a millisecond per 25 rows (70 s at 1.5
// million rows, where the two table rebuilds, their validations and the
// backup between them took 30 s on two busy cores), so that the model's
// own latency inside the window has room too.
func newInstance(rows int, seed uint64) Instance {
	return Instance{Rows: rows, Seed: seed, DowntimeBudgetMS: 10_000 + int64(rows)/25}
}

// Validate reports the first problem with the instance; the error wraps
// [scenario.ErrInstance].
func (in Instance) Validate() error {
	if err := in.validate(); err != nil {
		return fmt.Errorf("%w: %w", scenario.ErrInstance, err)
	}
	return nil
}

func (in Instance) validate() error {
	if in.Rows < MinRows || in.Rows > MaxRows {
		return fmt.Errorf("migrate: rows must be between %d and %d, got %d", MinRows, MaxRows, in.Rows)
	}
	if in.DowntimeBudgetMS <= 0 {
		return fmt.Errorf("migrate: downtime_budget_ms must be positive, got %d", in.DowntimeBudgetMS)
	}
	if in.FailAt != "" {
		i := planIndex(in.FailAt)
		if i < 0 {
			return fmt.Errorf("migrate: fail_at %q is not a migration of the plan (M01 to M%02d)", in.FailAt, len(Plan))
		}
		if !Plan[i].Risky {
			return fmt.Errorf("migrate: fail_at %q must be a risky migration (one with a backup before it)", in.FailAt)
		}
	}
	return nil
}

// Customers and Orders split the rows: one customer for fourteen orders.
func (in Instance) Customers() int { return max(1, in.Rows/15) }

// Orders is the number of order rows.
func (in Instance) Orders() int { return in.Rows - in.Customers() }

// Read reads an instance from JSON strictly (see [scenario.Decode]) and
// validates it.
func Read(r io.Reader) (Instance, error) {
	in, err := scenario.Read(r, func(p *Instance) error { return p.Validate() })
	if err != nil {
		return Instance{}, err
	}
	return *in, nil
}

// Load reads an instance file strictly (see [scenario.Load]) and validates
// it.
func Load(path string) (Instance, error) {
	in, err := scenario.Load(path, func(p *Instance) error { return p.Validate() })
	if err != nil {
		return Instance{}, err
	}
	return *in, nil
}
