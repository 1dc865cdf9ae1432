package report

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/plan"
)

// TestMeasuredPIsOneNumber folds the same decided steps into a summary and
// into a report: the p the summary's projection measures and the p the
// report shows are one number, also when the checker rejected a decided
// step (its winning votes were the wrong ones).
func TestMeasuredPIsOneNumber(t *testing.T) {
	step := func(i, k int, tally []maker.KeyCount, wrong bool) *maker.StepRecord {
		rec := &maker.StepRecord{Step: i, K: k, Key: tally[0].Key, Tally: tally, Wrong: wrong}
		for _, kc := range tally {
			rec.Votes += kc.Votes
			for range kc.Votes {
				rec.Samples = append(rec.Samples, maker.SampleRecord{Key: kc.Key, Voted: true})
			}
		}
		return rec
	}
	tests := []struct {
		name  string
		steps func() []*maker.StepRecord
		want  float64
	}{
		{"k=1, one wrong step of 30", func() []*maker.StepRecord {
			var recs []*maker.StepRecord
			for i := range 30 {
				recs = append(recs, step(i, 1, []maker.KeyCount{{Key: fmt.Sprint(i), Votes: 1}}, i == 17))
			}
			return recs
		}, 29.0 / 30},
		{"k=2 with dissent and a wrong step", func() []*maker.StepRecord {
			return []*maker.StepRecord{
				step(0, 2, []maker.KeyCount{{Key: "a", Votes: 2}}, false),
				step(1, 2, []maker.KeyCount{{Key: "b", Votes: 3}, {Key: "x", Votes: 1}}, false),
				step(2, 2, []maker.KeyCount{{Key: "y", Votes: 3}, {Key: "c", Votes: 1}}, true),
			}
		}, (2 + 3 + 1) / 10.0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum := maker.Summary{K: 1}
			a := newAggregate()
			for _, rec := range tt.steps() {
				sum.AddStep(rec)
				s := StepFromRecord(rec)
				a.add(&s)
			}
			sum.Derive()
			pr, err := plan.Project(&sum, 0.9, 1)
			if err != nil {
				t.Fatal(err)
			}
			reportP, _ := estimateP(a)
			if math.Abs(pr.PMeasured-tt.want) > 1e-12 || math.Abs(reportP-tt.want) > 1e-12 {
				t.Errorf("measured p: summary's projection %.5f, report %.5f; want both %.5f", pr.PMeasured, reportP, tt.want)
			}
		})
	}
}

// TestRenderResultBadge: the page's result says how a run that did not
// fail stopped, as the summary does, and FAILED only for one that failed.
func TestRenderResultBadge(t *testing.T) {
	tests := []struct {
		sum  maker.Summary
		want string
	}{
		{maker.Summary{Success: true, StopReason: "done"}, "SUCCESS"},
		{maker.Summary{StopReason: "no consensus"}, "FAILED"},
		{maker.Summary{StopReason: "interrupted", Error: "context canceled"}, "INTERRUPTED"},
		{maker.Summary{StopReason: "budget: max-cost"}, "STOPPED BY A BUDGET"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(&buf, &Data{Summary: tt.sum, Steps: randomSteps(20, 1)}); err != nil {
				t.Fatal(err)
			}
			badge := regexp.MustCompile(`id="result">([^<]*)<`).FindStringSubmatch(buf.String())
			if badge == nil || badge[1] != tt.want {
				t.Errorf("result badge %q, want %q", badge, tt.want)
			}
		})
	}
}
