package journalio

import (
	"strconv"
	"strings"

	"github.com/maker-go/maker"
)

// Dialect is what differs between the backends' SQL for a run list.
type Dialect struct {
	// Placeholder is the SQL of the n-th argument (from 1), "?n" or "$n":
	// a numbered one, since the text filter uses its argument three times.
	Placeholder func(n int) string
	// Contains is the SQL condition that column col contains the text of
	// a [maker.RunQuery], ignoring the case of ASCII letters, where arg is
	// the placeholder of TextArg's value.
	Contains func(col, arg string) string
	// TextArg is the argument Contains compares with, from the query's
	// text.
	TextArg func(text string) string
}

// LikeContains is the argument of a LIKE that finds text anywhere: text
// between two %, with its %, _ and \ escaped by \ (ESCAPE '\').
func LikeContains(text string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(text) + "%"
}

// RunPageSQL is the SQL of a run list's page ([maker.RunLister]), in both
// backends' runs table (see [RunColumns]), for a checked query: Count
// counts the runs that match its filters; Page selects the page's runs,
// newest first (created_at, then seq, both descending: the order of the
// indexes on created_at, status and kind, so a page reads only its rows),
// one more than the limit to tell whether a page follows. With a cursor,
// Page starts after the run whose created_at and seq are its two last
// arguments, which the backend fills in from the cursor's run (see
// [RunPageSQL.After]).
type RunPageSQL struct {
	Count     string
	CountArgs []any
	Page      string
	PageArgs  []any
	// After is the statement that reads the cursor's run's created_at and
	// seq, with AfterArgs; "" without a cursor.
	After     string
	AfterArgs []any
}

// ListSQL returns the statements of q's page in dialect d.
func ListSQL(d Dialect, q maker.RunQuery) RunPageSQL {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return d.Placeholder(len(args))
	}
	if q.Status != "" {
		where = append(where, "status = "+arg(q.Status))
	}
	if q.Kind != "" {
		where = append(where, "kind = "+arg(q.Kind))
	}
	if q.Text != "" {
		t := arg(d.TextArg(q.Text))
		where = append(where, "("+d.Contains("id", t)+" OR "+d.Contains("task", t)+" OR "+d.Contains("model", t)+")")
	}
	filter := ""
	if len(where) > 0 {
		filter = " WHERE " + strings.Join(where, " AND ")
	}
	s := RunPageSQL{Count: "SELECT count(*) FROM runs" + filter, CountArgs: args}
	if q.After != "" {
		s.After, s.AfterArgs = "SELECT created_at, seq FROM runs WHERE id = "+d.Placeholder(1), []any{q.After}
		// The cursor's created_at and seq are filled in by the backend.
		c := arg(int64(0))
		sq := arg(int64(0))
		where = append(where, "(created_at, seq) < ("+c+", "+sq+")")
	}
	filter = ""
	if len(where) > 0 {
		filter = " WHERE " + strings.Join(where, " AND ")
	}
	s.Page = "SELECT " + RunColumns + " FROM runs" + filter + " ORDER BY created_at DESC, seq DESC LIMIT " +
		strconv.Itoa(q.Limit+1) + " OFFSET " + strconv.Itoa(q.Offset)
	s.PageArgs = args
	return s
}

// SetCursor puts the cursor's run's created_at and seq, as read by
// s.After, in the page's arguments.
func (s *RunPageSQL) SetCursor(created, seq int64) {
	n := len(s.PageArgs)
	s.PageArgs[n-2], s.PageArgs[n-1] = created, seq
}

// Paged makes the page of a query with limit from the runs Page read (at
// most limit+1) and the count.
func Paged(runs []*maker.RunRecord, limit, total int) *maker.RunPage {
	p := &maker.RunPage{Runs: runs, Total: total}
	if p.Runs == nil {
		p.Runs = []*maker.RunRecord{}
	}
	if len(p.Runs) > limit {
		p.Runs = p.Runs[:limit]
		p.Next = p.Runs[limit-1].ID
	}
	return p
}
