package maker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// RunStatuses are the statuses a journal records ([StatusRunning] and the
// rest), in the order front ends list them.
var RunStatuses = []string{StatusRunning, StatusWaiting, StatusQueued, StatusDone, StatusFailed, StatusBudget, StatusInterrupted, StatusStopped}

// Bounds of a [RunQuery].
const (
	DefaultRunLimit = 50   // runs in a page when the query gives no limit
	MaxRunLimit     = 1000 // most runs in one page
	MaxRunText      = 200  // longest text a query searches for, in bytes
)

// ErrRunQuery: a [RunQuery] that cannot be answered as given (an unknown
// status, a limit out of range, a cursor that names no run). Such an
// error is a [*RunQueryError], which names the field.
var ErrRunQuery = errors.New("invalid run query")

// RunQueryError is a field of a [RunQuery] that cannot be answered; it
// matches [ErrRunQuery]. Field is named as the service's query parameter
// is: status, kind, text, cursor (After), offset, limit.
type RunQueryError struct {
	Field   string
	Problem string
}

// Error says the field, then what is wrong with it, on one line.
func (e *RunQueryError) Error() string { return e.Field + ": " + e.Problem }

// Is makes the error match [ErrRunQuery].
func (e *RunQueryError) Is(target error) bool { return target == ErrRunQuery }

func queryErr(field, format string, args ...any) error {
	return &RunQueryError{Field: field, Problem: fmt.Sprintf(format, args...)}
}

// RunQuery selects a page of a journal's runs for [ListRuns]: the runs
// that match every filter given, newest first. The zero value is the first
// page of all runs, [DefaultRunLimit] of them.
type RunQuery struct {
	// Status keeps the runs of this status, one of [RunStatuses] ("": any).
	Status string
	// Kind keeps the runs of this task kind, e.g. "hanoi" ("": any).
	Kind string
	// Text keeps the runs whose id, task or model contains it, ignoring
	// the case of ASCII letters ("": any).
	Text string
	// After is a cursor: the page starts after this run, the [RunPage.Next]
	// of the page before ("": at the newest run). A cursor stays valid as
	// new runs are added and as runs change status.
	After string
	// Offset skips this many of the matching runs (after After).
	Offset int
	// Limit is the most runs in the page (0: [DefaultRunLimit]; at most
	// [MaxRunLimit]).
	Limit int
}

// Check validates q and returns it with its limit defaulted: what every
// backend's [RunLister] takes. Its errors are [*RunQueryError]s.
func (q RunQuery) Check() (RunQuery, error) {
	switch {
	case q.Status != "" && !slices.Contains(RunStatuses, q.Status):
		return q, queryErr("status", "want one of %s, got %q", strings.Join(RunStatuses, ", "), q.Status)
	case len(q.Kind) > MaxRunText:
		return q, queryErr("kind", "longer than %d bytes", MaxRunText)
	case len(q.Text) > MaxRunText:
		return q, queryErr("text", "longer than %d bytes", MaxRunText)
	case len(q.After) > MaxRunText:
		return q, queryErr("cursor", "longer than %d bytes", MaxRunText)
	case q.Offset < 0:
		return q, queryErr("offset", "want 0 or more, got %d", q.Offset)
	case q.Limit < 0 || q.Limit > MaxRunLimit:
		return q, queryErr("limit", "want 1 to %d (0: %d), got %d", MaxRunLimit, DefaultRunLimit, q.Limit)
	}
	if q.Limit == 0 {
		q.Limit = DefaultRunLimit
	}
	return q, nil
}

// Matches reports whether run r passes q's filters (Status, Kind, Text).
func (q RunQuery) Matches(r *RunRecord) bool {
	if q.Status != "" && r.Status != q.Status || q.Kind != "" && r.Kind != q.Kind {
		return false
	}
	if q.Text == "" {
		return true
	}
	t := LowerASCII(q.Text)
	return strings.Contains(LowerASCII(r.ID), t) || strings.Contains(LowerASCII(r.Task), t) || strings.Contains(LowerASCII(r.Model), t)
}

// LowerASCII is s with its ASCII letters in lower case and every other
// byte as it is: how [RunQuery.Text] compares, the same in Go and in SQL
// on every backend.
func LowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// RunPage is one page of a journal's runs.
type RunPage struct {
	// Runs are the page's runs, newest first, without their sessions; an
	// empty list, not nil, when none is left.
	Runs []*RunRecord
	// Total is how many runs match the query's filters in all, on every
	// page alike.
	Total int
	// Next is the cursor of the next page (its [RunQuery.After]): the id
	// of this page's last run, "" when no run follows.
	Next string
}

// A RunLister is a [Journal] that answers a [RunQuery] itself: it
// filters, orders and pages in its database, reading only the page's runs
// (with indexes on status and kind) and counting the matches without
// reading them. It is an optional ability, found by [ListRuns] through a
// type assertion, as database/sql finds a driver's: a backend without it
// still lists, by reading every run.
type RunLister interface {
	// ListRuns returns the page q selects. q has been through
	// [RunQuery.Check]. A cursor that names no run of the journal is a
	// [*RunQueryError] of field "cursor".
	ListRuns(ctx context.Context, q RunQuery) (*RunPage, error)
}

// ListRuns returns the page of j's runs that q selects, newest first, and
// how many match in all. It checks q (a [*RunQueryError] names what is
// wrong) and asks
// j's [RunLister] when it has one; otherwise it reads every run with
// [Journal.Runs] and pages them here, the same way.
func ListRuns(ctx context.Context, j Journal, q RunQuery) (*RunPage, error) {
	q, err := q.Check()
	if err != nil {
		return nil, err
	}
	if l, ok := j.(RunLister); ok {
		return l.ListRuns(ctx, q)
	}
	all, err := j.Runs(ctx)
	if err != nil {
		return nil, err
	}
	return PageRuns(all, q)
}

// PageRuns pages runs (newest first, as [Journal.Runs] lists them) as a
// [RunLister] would answer q: the reference every backend's ListRuns is
// tested against.
func PageRuns(runs []*RunRecord, q RunQuery) (*RunPage, error) {
	q, err := q.Check()
	if err != nil {
		return nil, err
	}
	start := 0
	if q.After != "" {
		i := slices.IndexFunc(runs, func(r *RunRecord) bool { return r.ID == q.After })
		if i < 0 {
			return nil, queryErr("cursor", "no run %q", q.After)
		}
		start = i + 1
	}
	page := &RunPage{Runs: []*RunRecord{}}
	skip := q.Offset
	for i, r := range runs {
		if !q.Matches(r) {
			continue
		}
		page.Total++
		switch {
		case i < start:
		case skip > 0:
			skip--
		case len(page.Runs) < q.Limit:
			page.Runs = append(page.Runs, r)
		case page.Next == "":
			page.Next = page.Runs[len(page.Runs)-1].ID
		}
	}
	return page, nil
}
