package journaltest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

// testListRuns holds the run list to its contract: filters by status,
// kind and text (ignoring ASCII case), newest first, paged by offset and
// by cursor with the total on every page, the same answer as paging every
// run in memory (maker.PageRuns); a cursor that keeps its place while
// runs are added and change status; and bad queries refused naming the
// field.
func testListRuns(t *testing.T, h Harness) {
	ctx := context.Background()
	db := h.Open(t)
	if _, ok := db.(maker.RunLister); !ok {
		t.Logf("%T is no maker.RunLister: its runs are paged in memory", db)
	}
	empty, err := maker.ListRuns(ctx, db, maker.RunQuery{})
	if err != nil || empty.Runs == nil || len(empty.Runs) != 0 || empty.Total != 0 || empty.Next != "" {
		t.Fatalf("the list of an empty journal = %+v, %v; want no runs, total 0, no next", empty, err)
	}
	ends := []string{"", maker.StatusDone, maker.StatusFailed, maker.StatusDone, maker.StatusInterrupted, maker.StatusBudget, maker.StatusStopped, maker.StatusQueued}
	kinds := []string{"hanoi", "cube", "sudoku"}
	models := []string{"sim", "GPT-4.1-mini", "claude-haiku"}
	for i := range 45 {
		nr := maker.NewRun{Kind: kinds[i%3], Task: fmt.Sprintf("%s-%d", kinds[i%3], i), Model: models[i/3%3], TotalSteps: i}
		r, err := db.Create(ctx, nr, maker.JournalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if end := ends[i%len(ends)]; end == "" {
			err = r.Close()
		} else {
			err = r.Finish(nil, end)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// One run whose task holds LIKE's wildcards and escape, and whose
	// model a letter beyond ASCII, which only an exact match finds.
	odd, err := db.Create(ctx, maker.NewRun{Kind: "hanoi", Task: `odd_task%50\x`, Model: "ÉCOLE-m"}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := odd.Finish(nil, maker.StatusDone); err != nil {
		t.Fatal(err)
	}
	all, err := db.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	queries := []maker.RunQuery{
		{},
		{Limit: 7},
		{Limit: 1},
		{Limit: 1000},
		{Status: maker.StatusDone, Limit: 4},
		{Status: maker.StatusRunning, Limit: 2},
		{Status: maker.StatusQueued},
		{Kind: "cube", Limit: 5},
		{Kind: "nothing"},
		{Status: maker.StatusFailed, Kind: "hanoi", Limit: 1},
		{Text: "gpt", Limit: 4},   // the model, in another case
		{Text: "UBE-1", Limit: 3}, // the task: cube-10, cube-13, ...
		{Text: all[7].ID[:5]},     // an id
		{Text: "%", Limit: 3},     // no wildcards
		{Text: "_"},
		{Text: `k%50\`},
		{Text: "d_t"},
		{Text: "cole-M"},
		{Text: "école"}, // É is not é: only ASCII letters are folded
		{Text: "É"},
		{Text: "hanoi", Kind: "cube"}, // none
		{Offset: 40, Limit: 10},       // a short last page
		{Offset: 46},                  // past the end
		{Status: maker.StatusDone, Offset: 3, Limit: 2},
	}
	for _, q := range queries {
		t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
			want, err := maker.PageRuns(all, q)
			if err != nil {
				t.Fatal(err)
			}
			got, err := maker.ListRuns(ctx, db, q)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := pageIDs(got), pageIDs(want); g != w {
				t.Fatalf("ListRuns = %s,\nwant     %s", g, w)
			}
			for _, r := range got.Runs {
				if !q.Matches(r) || r.Sessions != nil {
					t.Fatalf("listed %+v", r)
				}
			}
			// Walk the rest with the cursor: every matching run once, in
			// order, the total on every page.
			var seen []string
			for _, r := range got.Runs {
				seen = append(seen, r.ID)
			}
			for p := got; p.Next != ""; {
				next := q
				next.After, next.Offset = p.Next, 0
				if p, err = maker.ListRuns(ctx, db, next); err != nil {
					t.Fatal(err)
				}
				if p.Total != want.Total || len(p.Runs) == 0 {
					t.Fatalf("page after %s: %s; want total %d", next.After, pageIDs(p), want.Total)
				}
				for _, r := range p.Runs {
					seen = append(seen, r.ID)
				}
			}
			var match []string
			for _, r := range all {
				if q.Matches(r) {
					match = append(match, r.ID)
				}
			}
			match = match[min(q.Offset, len(match)):]
			if !slices.Equal(seen, match) {
				t.Fatalf("pages by cursor listed %v,\nwant %v", seen, match)
			}
		})
	}

	// A cursor keeps its place while runs are added before it and while
	// the runs around it change status.
	q := maker.RunQuery{Status: maker.StatusRunning, Limit: 2}
	first, err := maker.ListRuns(ctx, db, q)
	if err != nil {
		t.Fatal(err)
	}
	r, err := db.Create(ctx, maker.NewRun{Task: "newer"}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	resumed, _, err := db.Resume(ctx, first.Next, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := resumed.Finish(nil, maker.StatusDone); err != nil {
		t.Fatal(err)
	}
	q.After = first.Next
	second, err := maker.ListRuns(ctx, db, q)
	if err != nil {
		t.Fatal(err)
	}
	var rest []string
	for _, r := range all {
		if r.Status == maker.StatusRunning {
			rest = append(rest, r.ID)
		}
	}
	// One running run is done now, and one more is running: the total
	// is the same.
	if want := rest[2:4]; pageIDs(second) != fmt.Sprintf("%v total %d next %s", want, len(rest), want[1]) {
		t.Errorf("the page after %s once a run was added and %[1]s is done: %s; want %v", first.Next, pageIDs(second), want)
	}

	for _, tt := range []struct {
		q    maker.RunQuery
		want string
	}{
		{maker.RunQuery{Status: "bogus"}, "status"},
		{maker.RunQuery{Limit: -1}, "limit"},
		{maker.RunQuery{Limit: maker.MaxRunLimit + 1}, "limit"},
		{maker.RunQuery{Offset: -1}, "offset"},
		{maker.RunQuery{Text: strings.Repeat("x", maker.MaxRunText+1)}, "text"},
		{maker.RunQuery{After: "nosuchrun"}, "cursor"},
	} {
		_, err := maker.ListRuns(ctx, db, tt.q)
		if !errors.Is(err, maker.ErrRunQuery) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ListRuns(%+v): %v; want an ErrRunQuery naming %s", tt.q, err, tt.want)
		}
	}
}

// pageIDs is a page for messages: its run ids, total and next cursor.
func pageIDs(p *maker.RunPage) string {
	ids := make([]string, len(p.Runs))
	for i, r := range p.Runs {
		ids[i] = r.ID
	}
	return fmt.Sprintf("%v total %d next %s", ids, p.Total, p.Next)
}
