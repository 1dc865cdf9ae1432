package report

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
)

// hostile is text from a task or a model that must stay text.
const hostile = `</script><script>alert(1)</script><img src=x onerror=alert(2)>`

func TestRenderPage(t *testing.T) {
	steps := randomSteps(300, 5)
	steps[0].Tally = append(steps[0].Tally, maker.KeyCount{Key: hostile, Votes: 0})
	steps[0].Votes += 20 // make it the hardest step, so its tally is shown
	steps[1].Flags = map[maker.Flag]int{maker.Flag(hostile): 1}
	solved := hanoi.State{{}, {}, {3, 2, 1}}
	tests := []struct {
		name      string
		data      Data
		banner    bool
		wantParts []string
		notParts  []string
	}{
		{"simulated hanoi", Data{
			Summary: maker.Summary{Task: "hanoi-3", Model: "sim", Simulated: true, Success: true, Steps: 300, K: 3,
				Flagged: map[maker.Flag]int64{maker.FlagTooLong: 4}},
			Steps: steps, Final: solved, PlannedP: 0.99,
		}, true, []string{`id="simulated-banner"`, "SUCCESS", `data-peg="2"`, "[[], [], [3, 2, 1]]", "theory at planned p = 0.99000"}, nil},
		{"real model, other state, hostile names", Data{
			Summary: maker.Summary{Task: hostile, Model: "openai/gpt-4.1-mini", Steps: 300, K: 3, Error: hostile},
			Steps:   steps, Final: struct{ Note string }{hostile},
		}, false, []string{"FAILED", `<pre class="state">`, "&lt;/script&gt;"}, []string{"simulated-banner", "data-peg", "planned p"}},
		{"another task's pegs", Data{
			Summary: maker.Summary{Task: "four pegs", Model: "sim", Steps: 300, K: 3},
			Steps:   steps, Final: fourPegs{{4, 1}, {}, {3}, {2}},
		}, false, []string{`data-peg="3"`, "peg 3", "four pegs: 4 1 |  | 3 | 2"}, nil},
		{"nil hanoi state", Data{Summary: maker.Summary{Task: "hanoi-3"}, Steps: steps, Final: (*hanoi.State)(nil)}, false, nil, []string{"data-peg", `id="final"`}},
		{"no steps", Data{Summary: maker.Summary{Task: "empty"}}, false, []string{"No step was decided."}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(&buf, &tt.data); err != nil {
				t.Fatal(err)
			}
			html := buf.String()
			if !strings.Contains(html, "<script>"+echartsJS+"</script>") {
				t.Fatal("ECharts is not inlined whole")
			}
			// The rest of the page: the library's own code mentions tags.
			html = strings.Replace(html, echartsJS, "", 1)
			// Self-contained: nothing is loaded from anywhere.
			if m := regexp.MustCompile(`(?i)<(script|link|img|iframe)\b[^>]*\b(src|href)=`).FindString(html); m != "" {
				t.Errorf("the page loads an external resource: %s", m)
			}
			if n := strings.Count(strings.ToLower(html), "<script"); n != 2 {
				t.Errorf("%d <script> elements, want 2 (ECharts and the charts): text broke out", n)
			}
			for _, id := range []string{"chart-votes", "chart-undecided", "chart-flags", "chart-cost", "chart-effort", "chart-latency"} {
				if !strings.Contains(html, `id="`+id+`"`) {
					t.Errorf("no %s container", id)
				}
			}
			if strings.Contains(html, "__f__") {
				t.Error("a go-echarts function marker leaked into the page")
			}
			for _, p := range tt.wantParts {
				if !strings.Contains(html, p) {
					t.Errorf("page lacks %q", p)
				}
			}
			for _, p := range tt.notParts {
				if strings.Contains(html, p) {
					t.Errorf("page has %q", p)
				}
			}
		})
	}
}

// fourPegs is a state of a task the report does not know, with pegs.
type fourPegs [4][]int

func (f fourPegs) Pegs() [][]int { return [][]int{f[0], f[1], f[2], f[3]} }

func (f fourPegs) String() string {
	parts := make([]string, len(f))
	for i, p := range f {
		parts[i] = strings.Trim(fmt.Sprint(p), "[]")
	}
	return "four pegs: " + strings.Join(parts, " | ")
}

// A run whose votes were all right has p = 1: the theory is zero after k
// votes, which a log axis cannot show, and the page must still render.
func TestRenderPerfectRun(t *testing.T) {
	run := runSim(t, 5, 0, 0, 2)
	var buf bytes.Buffer
	if err := Render(&buf, run.data()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "theory at measured p = 1.00000") {
		t.Error("no theoretical curve at p = 1")
	}
}

func TestRenderNil(t *testing.T) {
	if err := Render(&bytes.Buffer{}, nil); err == nil {
		t.Error("Render(nil): no error")
	}
	if err := NewCollector().Render(&bytes.Buffer{}, nil); err == nil {
		t.Error("Collector.Render(nil): no error")
	}
}

// An ensemble's run shows its models in a table, names escaped; a run on
// one model has no such table.
func TestRenderModels(t *testing.T) {
	run := runSim(t, 5, 0, 0, 2)
	d := run.data()
	var buf bytes.Buffer
	if err := Render(&buf, d); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `id="models"`) {
		t.Error("a run on one model shows a models table")
	}
	d.Summary.Models = maker.ModelTable{
		{Model: "sim/a", Samples: 40, Votes: 38, Agreed: 37, P: 37.0 / 38, Usage: maker.Usage{CostUSD: 0.0123}},
		{Model: hostile, Samples: 20, Votes: 20, Agreed: 20, P: 1},
	}
	buf.Reset()
	if err := Render(&buf, d); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	row := regexp.MustCompile(`<tr><td>sim/a</td><td class="n">40</td><td class="n">38</td><td class="n">37</td><td class="n">0.97368</td><td class="n">0</td><td class="n">\$0.0123</td></tr>`)
	if !strings.Contains(page, `id="models"`) || !row.MatchString(page) {
		t.Error("no models table with sim/a's row")
	}
	if strings.Contains(page, "<td>"+hostile) {
		t.Error("a model name is not escaped")
	}
}
