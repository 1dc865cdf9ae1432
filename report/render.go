package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/plan"
)

// EChartsVersion is the Apache ECharts build embedded in every report
// (assets/echarts.common.min.js, the "common" build: line, bar, pie and
// scatter charts with the usual components, a third smaller than the full
// one).
const EChartsVersion = "5.6.0"

//go:embed assets/echarts.common.min.js
var echartsJS string

//go:embed page.html.tmpl
var pageTemplate string

var pageTmpl = template.Must(template.New("page").Parse(pageTemplate))

// page is what the template shows.
type page struct {
	Title     string
	Simulated bool
	Success   bool
	Result    string
	Facts     []fact
	Notes     []string
	Charts    []chartView
	Hardest   []hardRow
	Models    maker.ModelTable // an ensemble's models
	Pegs      *pegsView
	FinalText string
	Generated string
	ECharts   template.JS
	Version   string
}

type fact struct{ Label, Value string }

type hardRow struct {
	Step, K, Votes, Samples, Cancelled int
	Flagged                            string
	Wall                               string
	Wrong                              bool
	Tally                              []tallyItem
}

type tallyItem struct {
	Key    string
	Votes  int
	Winner bool
}

func render(w io.Writer, d *Data, a *aggregate) error {
	s := &d.Summary
	p := page{
		Title:     "maker report: " + orDash(s.Task),
		Simulated: s.Simulated,
		Success:   s.Success,
		ECharts:   template.JS(echartsJS),
		Version:   EChartsVersion,
	}
	if !d.Generated.IsZero() {
		p.Generated = d.Generated.UTC().Format(time.RFC3339)
	}
	p.Result = strings.ToUpper(s.Result())
	pHat, pText := estimateP(a)
	p.Facts = facts(s, a, pText)

	var err error
	add := func(c chartView, e error) {
		if err == nil {
			err = e
		}
		p.Charts = append(p.Charts, c)
	}
	add(votesChart(a))
	u, note, e := undecidedChart(a, pHat, d.PlannedP)
	add(u, e)
	if note != "" {
		p.Notes = append(p.Notes, note)
	}
	flags := s.Flagged
	if len(flags) == 0 {
		flags = a.flags
	}
	add(flagsChart(flags))
	add(costChart(a))
	add(effortChart(a))
	add(latencyChart(a))
	if err != nil {
		return err
	}
	p.Hardest = hardestRows(a)
	p.Models = s.Models
	p.Pegs, p.FinalText = final(d.Final)
	return pageTmpl.Execute(w, &p)
}

// estimateP returns the maximum-likelihood per-vote success rate and a line
// with its 95% Wilson interval, or 0 and a dash without votes.
func estimateP(a *aggregate) (float64, string) {
	if a.allVotes == 0 {
		return 0, "–"
	}
	p := float64(a.correct) / float64(a.allVotes)
	lo, hi, err := plan.Wilson(int(a.correct), int(a.allVotes), plan.Z95)
	if err != nil {
		return p, fmt.Sprintf("%.5f from %s votes", p, group(int(a.allVotes)))
	}
	return p, fmt.Sprintf("%.5f (95%% CI %.5f–%.5f) from %s votes", p, lo, hi, group(int(a.allVotes)))
}

func hardestRows(a *aggregate) []hardRow {
	rows := make([]hardRow, 0, len(a.hardest))
	for _, st := range a.hardest {
		r := hardRow{Step: st.Index + 1, K: st.K, Votes: st.Votes, Samples: st.Samples, Cancelled: st.Cancelled,
			Wall: st.Wall.Round(time.Microsecond).String(), Wrong: st.Wrong, Flagged: flagText(st.Flags)}
		winner := st.winner()
		for _, kc := range st.Tally {
			r.Tally = append(r.Tally, tallyItem{Key: clip(kc.Key, 120), Votes: kc.Votes, Winner: kc.Key == winner})
		}
		rows = append(rows, r)
	}
	return rows
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// group writes n with thousands separators.
func group(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// EChartsJS is the embedded Apache ECharts build, for other pages of the
// project that draw charts offline (the service's dashboard).
func EChartsJS() string { return echartsJS }
