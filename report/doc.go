// Package report renders a run as one self-contained HTML file: a summary
// header, charts of votes, undecided steps against the theory, red flags,
// cost and latency, the hardest steps with their tallies and the final
// state, drawn as pegs for a state that has them ([Pegged]).
//
// The file embeds its charting library (Apache ECharts, built from options
// that go-echarts assembles) inline, so it opens offline, can be mailed or
// archived, and looks the same in a year. Per-step series are folded into at
// most a few thousand buckets as steps arrive, so a million-step run gives a
// file about as small as a hundred-step one and a [Collector] needs memory
// independent of the run's length.
//
// A report is fed either by a [Collector], the [maker.Observer] a live run
// attaches, or by a [Data] with the steps read back from a journal.
package report
