package runs

import (
	"fmt"
	"time"
)

// Caps are budget caps a resume sets over a run's own: each one given
// replaces the run's (0: no cap), and the others stay. A run's caps are
// the whole run's, over every session, so a run stopped by a cap stops
// again at once when resumed without a new one. Caps is the JSON body of
// POST /v1/runs/{id}/resume; its names are those of the run's settings.
type Caps struct {
	MaxCostUSD      *float64 `json:"max-cost,omitempty"`
	MaxSamplesTotal *int64   `json:"max-samples-total,omitempty"`
	// MaxWall is a duration such as "90m".
	MaxWall *string `json:"max-wall,omitempty"`
}

// Given reports whether c sets any cap.
func (c *Caps) Given() bool {
	return c != nil && (c.MaxCostUSD != nil || c.MaxSamplesTotal != nil || c.MaxWall != nil)
}

// Check refuses a negative cap or a wall cap that is not a duration; the
// error names the field.
func (c *Caps) Check() error {
	if c == nil {
		return nil
	}
	if v := c.MaxCostUSD; v != nil && !(*v >= 0) {
		return fmt.Errorf("max-cost: must not be negative (0: no cap), got %g", *v)
	}
	if v := c.MaxSamplesTotal; v != nil && *v < 0 {
		return fmt.Errorf("max-samples-total: must not be negative (0: no cap), got %d", *v)
	}
	if v := c.MaxWall; v != nil {
		d, err := time.ParseDuration(*v)
		if err != nil || d < 0 {
			return fmt.Errorf("max-wall: want a duration of 0 or more such as 90m, got %q", *v)
		}
	}
	return nil
}
