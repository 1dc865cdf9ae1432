package report

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/plan"
)

// chartView is one chart of the page: the container's id, its heading and
// caption, and the ECharts option as JSON.
type chartView struct {
	ID      string
	Title   string
	Caption string
	Option  template.JS
}

// optioner is what every go-echarts chart offers.
type optioner interface {
	Validate()
	JSON() map[string]any
}

// optionJS turns a go-echarts chart into its ECharts option. encoding/json
// escapes <, > and & as \u003c and so on, so the option is safe inside a
// <script> element whatever strings the data holds; the charts use no
// JavaScript functions, so the option is plain JSON.
//
// extra, when given, is merged into every series: ECharts options that
// go-echarts has no field for.
func optionJS(c optioner, extra map[string]any) (template.JS, error) {
	c.Validate()
	b, err := json.Marshal(c.JSON())
	if err != nil {
		return "", fmt.Errorf("report: chart option: %w", err)
	}
	if len(extra) > 0 {
		var o map[string]any
		if err := json.Unmarshal(b, &o); err != nil {
			return "", fmt.Errorf("report: chart option: %w", err)
		}
		series, _ := o["series"].([]any)
		for _, s := range series {
			if m, ok := s.(map[string]any); ok {
				for k, v := range extra {
					m[k] = v
				}
			}
		}
		if b, err = json.Marshal(o); err != nil {
			return "", fmt.Errorf("report: chart option: %w", err)
		}
	}
	return template.JS(b), nil
}

// Colours shared by the charts.
const (
	colorMeasured = "#5470c6"
	colorTheory   = "#ee6666"
	colorPlanned  = "#fac858"
	colorFlag     = "#fc8452"
	colorCost     = "#3ba272"
	colorWall     = "#9a60b4"
)

// common are the options every chart gets: no animation (a report is read,
// not watched, and the browser test waits for the final frame), a tooltip,
// and room for axis names.
func common(legend bool) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithAnimation(false),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(legend), Top: "0"}),
		charts.WithGridOpts(opts.Grid{Left: "84", Right: "24", Top: "36", Bottom: "48"}),
	}
}

func xName(name string) opts.XAxis {
	return opts.XAxis{Name: name, NameLocation: "middle", NameGap: 28}
}

func yName(name, typ string) opts.YAxis {
	return opts.YAxis{Name: name, Type: typ, NameLocation: "middle", NameGap: 64}
}

// votesChart is the histogram of valid votes per step, on a log scale so a
// single slow step among a million shows.
func votesChart(a *aggregate) (chartView, error) {
	lo, hi := math.MaxInt, 0
	for v := range a.votesHist {
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi == 0 {
		lo = 0
	}
	cats := make([]string, 0, hi-lo+1)
	data := make([]opts.BarData, 0, hi-lo+1)
	for v := lo; v <= hi; v++ {
		cats = append(cats, fmt.Sprint(v))
		if n := a.votesHist[v]; n > 0 {
			data = append(data, opts.BarData{Value: n})
		} else {
			data = append(data, opts.BarData{Value: "-"}) // no bar: log axes have no zero
		}
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(common(false)...)
	bar.SetGlobalOptions(
		charts.WithXAxisOpts(xName("valid votes in the step")),
		// From 1, or a step count of a few would fall below the axis.
		charts.WithYAxisOpts(opts.YAxis{Name: "steps (log)", Type: "log", Min: 1, NameLocation: "middle", NameGap: 64}),
	)
	bar.SetXAxis(cats).AddSeries("steps", data,
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colorMeasured}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top"}))
	// On a log axis bars start at 1, so a single step would have no height.
	o, err := optionJS(bar, map[string]any{"barMinHeight": 3})
	return chartView{ID: "chart-votes", Title: "Votes per step",
		Caption: fmt.Sprintf("How many valid votes each step took before one answer was k ahead. A step decided without dissent takes exactly k; %s of %s steps took more.",
			group(a.steps-int(a.votesHist[a.modeK()])), group(a.steps)),
		Option: o}, err
}

// undecidedChart compares the steps still open after each vote with the
// i.i.d. theory (plan.UndecidedTable) at the rate measured from the votes
// and, when given, the planned one. A measured curve that falls slower than
// the theory says errors are correlated.
func undecidedChart(a *aggregate, pHat, planned float64) (chartView, string, error) {
	k := a.modeK()
	from := max(k-1, 0)
	top := max(a.maxVotes(), k)
	line := charts.NewLine()
	line.SetGlobalOptions(common(true)...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Name: "valid votes cast in the step", Type: "value", Min: from, MinInterval: 1, NameLocation: "middle", NameGap: 28}),
		charts.WithYAxisOpts(yName("steps still undecided (log)", "log")),
	)
	var measured []opts.LineData
	for n := from; n < top; n++ {
		if u := a.undecidedAfter(n); u > 0 {
			measured = append(measured, opts.LineData{Value: []any{n, u}})
		}
	}
	line.AddSeries("measured", measured,
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colorMeasured}),
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true)}))
	var notes []string
	theory := func(name, color string, p float64) error {
		pts, err := theoryPoints(p, k, a.steps, from, top+2)
		if err != nil {
			return err
		}
		line.AddSeries(name, pts,
			charts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
			charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed"}),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), Symbol: "diamond"}))
		return nil
	}
	if a.steps > 0 && k > 0 && pHat > 0.5 {
		if err := theory(fmt.Sprintf("theory at measured p = %.5f", pHat), colorTheory, pHat); err != nil {
			return chartView{}, "", err
		}
	} else if a.steps > 0 {
		notes = append(notes, "no theoretical curve: the measured p is not above 1/2")
	}
	if a.steps > 0 && k > 0 && planned > 0.5 && planned <= 1 {
		if err := theory(fmt.Sprintf("theory at planned p = %.5f", planned), colorPlanned, planned); err != nil {
			return chartView{}, "", err
		}
	}
	if len(a.kCount) > 1 {
		notes = append(notes, fmt.Sprintf("steps used several margins; the theory uses the commonest, k = %d", k))
	}
	o, err := optionJS(line, nil)
	caption := "Steps still open after n valid votes, beside the number the independent-errors model (plan package) predicts. " +
		"Theory below 0.001 steps is not drawn. A measured curve well above the theory means errors are correlated (some steps are hard for the model)."
	return chartView{ID: "chart-undecided", Title: "Undecided steps after each vote", Caption: caption, Option: o},
		strings.Join(notes, "; "), err
}

// theoryPoints is steps·P(N > n) for n in [from, to]: every step is open
// before its k-th vote, and from k on plan.UndecidedTable gives the rows
// k, k+2, ...; values below 0.001 are dropped (a log axis has no zero).
func theoryPoints(p float64, k, steps, from, to int) ([]opts.LineData, error) {
	var pts []opts.LineData
	for n := from; n < k && n <= to; n++ {
		pts = append(pts, opts.LineData{Value: []any{n, steps}})
	}
	rounds := max((to-k)/2+1, 1)
	rows, err := plan.UndecidedTable(p, k, steps, min(rounds, 1000))
	if err != nil {
		return nil, fmt.Errorf("report: theoretical curve at p = %g, k = %d: %w", p, k, err)
	}
	// With two candidates a step is decided only after k, k+2, ... votes, so
	// P(N > k+2j+1) = P(N > k+2j): each row holds for two vote counts, and
	// drawing both gives the staircase the measured curve has too.
	for _, r := range rows {
		if r.Undecided < 1e-3 {
			break
		}
		for n := r.Votes; n <= r.Votes+1 && n <= to; n++ {
			pts = append(pts, opts.LineData{Value: []any{n, sig(r.Undecided, 6)}})
		}
	}
	return pts, nil
}

// flagOrder lists the engine's red-flag reasons so the chart always shows
// them all, zeros included, in a fixed order.
var flagOrder = []maker.Flag{maker.FlagTooLong, maker.FlagTruncated, maker.FlagTooShort, maker.FlagRefusal, maker.FlagMalformed}

// flagsChart counts the discarded samples by reason.
func flagsChart(counts map[maker.Flag]int64) (chartView, error) {
	reasons := slices.Clone(flagOrder)
	var extra []maker.Flag
	for f := range counts {
		if !slices.Contains(reasons, f) && f != maker.FlagNone {
			extra = append(extra, f)
		}
	}
	slices.Sort(extra)
	reasons = append(reasons, extra...)
	cats := make([]string, len(reasons))
	data := make([]opts.BarData, len(reasons))
	var total int64
	for i, f := range reasons {
		cats[i] = string(f)
		data[i] = opts.BarData{Value: counts[f]}
		total += counts[f]
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(common(false)...)
	bar.SetGlobalOptions(
		charts.WithXAxisOpts(xName("reason")),
		charts.WithYAxisOpts(opts.YAxis{Name: "samples discarded", NameLocation: "middle", NameGap: 64, MinInterval: 1}),
	)
	bar.SetXAxis(cats).AddSeries("flagged", data,
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colorFlag}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top"}))
	o, err := optionJS(bar, nil)
	return chartView{ID: "chart-flags", Title: "Red flags by reason",
		Caption: fmt.Sprintf("Samples discarded before they could vote (%s in all). They cost money but never count.", group(int(total))),
		Option:  o}, err
}

// costChart is the cumulative cost at the end of each bucket of steps.
func costChart(a *aggregate) (chartView, error) {
	line := charts.NewLine()
	line.SetGlobalOptions(common(false)...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Name: "step", Type: "value", NameLocation: "middle", NameGap: 28, MinInterval: 1}),
		charts.WithYAxisOpts(yName("cumulative cost (USD)", "value")),
	)
	var cum float64
	data := make([]opts.LineData, 0, len(a.series.buckets))
	for _, b := range a.series.buckets {
		cum += b.cost
		data = append(data, opts.LineData{Value: []any{b.last + 1, sig(cum, 6)}})
	}
	line.AddSeries("cost", data,
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colorCost}),
		charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.15)}),
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
	o, err := optionJS(line, nil)
	return chartView{ID: "chart-cost", Title: "Cumulative cost",
		Caption: fmt.Sprintf("Dollars spent by the end of each step%s; a steady slope means steady per-step cost.", widthNote(a.series.width)),
		Option:  o}, err
}

// effortChart shows the mean and the most votes per bucket of steps, so a
// cluster of hard steps stands out.
func effortChart(a *aggregate) (chartView, error) {
	line := charts.NewLine()
	line.SetGlobalOptions(common(true)...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Name: "step", Type: "value", NameLocation: "middle", NameGap: 28, MinInterval: 1}),
		charts.WithYAxisOpts(opts.YAxis{Name: "valid votes", NameLocation: "middle", NameGap: 64, MinInterval: 1}),
	)
	mean := make([]opts.LineData, 0, len(a.series.buckets))
	most := make([]opts.LineData, 0, len(a.series.buckets))
	for _, b := range a.series.buckets {
		mean = append(mean, opts.LineData{Value: []any{b.last + 1, round(float64(b.votes)/float64(b.steps), 3)}})
		most = append(most, opts.LineData{Value: []any{b.last + 1, b.maxVotes}})
	}
	if a.series.width > 1 {
		// With one step a bucket the mean is the most: one line says it.
		line.AddSeries("most votes", most,
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colorTheory}),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
	}
	line.AddSeries("mean votes", mean,
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colorMeasured}),
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
	o, err := optionJS(line, nil)
	return chartView{ID: "chart-effort", Title: "Votes along the run",
		Caption: fmt.Sprintf("Mean and most valid votes per step%s.", widthNote(a.series.width)),
		Option:  o}, err
}

// latencyChart shows the p50, p90, p99 and maximum of sample latency and
// step wall time.
func latencyChart(a *aggregate) (chartView, error) {
	cats := []string{"p50", "p90", "p99", "max"}
	toData := func(q [4]time.Duration) []opts.BarData {
		out := make([]opts.BarData, len(q))
		for i, d := range q {
			out[i] = opts.BarData{Value: round(float64(d)/float64(time.Millisecond), 3)}
		}
		return out
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(common(true)...)
	bar.SetGlobalOptions(
		charts.WithXAxisOpts(xName("percentile")),
		charts.WithYAxisOpts(yName("milliseconds", "value")),
	)
	bar.SetXAxis(cats).
		AddSeries("sample latency", toData(a.sampleLat.summary()),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colorMeasured}),
			charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top"})).
		AddSeries("step wall time", toData(a.stepWall.summary()),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colorWall}),
			charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top"}))
	o, err := optionJS(bar, nil)
	return chartView{ID: "chart-latency", Title: "Latency percentiles",
		Caption: fmt.Sprintf("Model-call latency over %s samples that came back in time, and wall time over %s steps (quantiles within 0.5%%).",
			group(int(a.sampleLat.n)), group(int(a.stepWall.n))),
		Option: o}, err
}

func widthNote(width int) string {
	if width <= 1 {
		return ""
	}
	return fmt.Sprintf(" (in buckets of %s steps)", group(width))
}

// round keeps a chart's JSON short.
func round(x float64, digits int) float64 {
	s := math.Pow(10, float64(digits))
	return math.Round(x*s) / s
}

// sig rounds x to digits significant digits, for values such as costs that
// may be tiny.
func sig(x float64, digits int) float64 {
	v, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', digits, 64), 64)
	if err != nil {
		return x
	}
	return v
}
