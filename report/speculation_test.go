package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

// TestRenderSpeculation: a speculative run's page shows its depth, hit
// rate, waste and leader changes; a run that did not speculate says
// nothing of it.
func TestRenderSpeculation(t *testing.T) {
	for _, c := range []struct {
		name string
		sp   maker.Speculation
		want []string
	}{
		{"auto", maker.Speculation{Depth: 8, Auto: true, Started: 40, Hits: 38, Discarded: 2, Wasted: 6, LeaderChanges: 2},
			[]string{"<dt>speculation</dt>", "depth 8 (auto)", "hit rate 95.0%", "6 samples wasted (5.00%", "leaders changed in 4.00% of steps"}},
		{"auto, off", maker.Speculation{Auto: true, LeaderChanges: 10},
			[]string{"<dt>speculation</dt>", "off (auto)", "leaders changed in 20.00% of steps"}},
		{"none", maker.Speculation{}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := maker.Summary{Task: "hanoi", Steps: 50, TotalSteps: 50, K: 3, Samples: 120, WallSeconds: 5, Speculation: c.sp}
			s.Derive()
			var buf bytes.Buffer
			if err := Render(&buf, &Data{Summary: s}); err != nil {
				t.Fatal(err)
			}
			page := buf.String()
			for _, w := range c.want {
				if !strings.Contains(page, w) {
					t.Errorf("the page lacks %q", w)
				}
			}
			if c.want == nil && strings.Contains(page, "<dt>speculation</dt>") {
				t.Error("a run without speculation has a speculation line")
			}
		})
	}
}
