package plan

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

// hanoi20 is the step count of 20-disk Towers of Hanoi, 2^20 - 1.
const hanoi20 = 1<<20 - 1

// relClose reports whether got is within rel (relative) of want.
func relClose(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)
}

// TestPaperCostTable checks the paper's 20-disk projection (paper.md §4.2,
// oracle row 1): every k_min exactly, p_full at k_min (paper.md [DERIVED]
// values, ±0.0005), and the projected cost within 5%. The costs assume 600
// input tokens per call at each model's input price; only the output price
// is in the paper's table, and the input prices are the ones paper.md infers
// from the gap between output-only cost and the table (qwen3 has none).
func TestPaperCostTable(t *testing.T) {
	tests := []struct {
		model          string
		errRate        float64 // 1-p
		inPrice, price float64 // $ per million input / output tokens
		outTok         float64
		wantK          int
		wantPFull      float64
		wantCost       float64 // 0: not checked
	}{
		{"gpt-4.1-nano", .3571, 0.10, 0.4, 842, 29, 0.960, 41900},
		{"gpt-4.1-mini τ=1.0", .0040, 0.40, 1.6, 580, 4, 0.9997, 4900},
		{"gpt-4.1-mini τ=0.1", .0022, 0.40, 1.6, 538, 3, 0.9888, 3500},
		{"o3-mini low", .0018, 1.10, 4.4, 535, 3, 0.994, 9400},
		{"haiku-4.5", .1839, 1.00, 5.0, 588, 12, 0.982, 71200},
		{"gpt-oss-20B", .0358, 0.05, 0.2, 1104, 6, 0.997, 1700},
		{"qwen3", .2342, 0, 0.6, 449, 15, 0.980, 0},
		{"deepseek-v3.1", .0569, 0.56, 1.7, 1004, 6, 0.951, 14600},
		{"kimi-k2", .0393, 1.00, 3.0, 925, 6, 0.995, 22900},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			p := 1 - tt.errRate
			k, err := KMin(p, hanoi20, 0.95, 1)
			if err != nil || k != tt.wantK {
				t.Fatalf("KMin = %d, %v; want %d", k, err, tt.wantK)
			}
			pf, err := SuccessFull(p, k, hanoi20, 1)
			if err != nil || math.Abs(pf-tt.wantPFull) > 5e-4 {
				t.Errorf("SuccessFull(k_min) = %.5f, %v; want %.4f", pf, err, tt.wantPFull)
			}
			if tt.wantCost == 0 {
				return
			}
			samples, err := ExpectedSamples(p, k, 1)
			if err != nil {
				t.Fatal(err)
			}
			c, err := CostPerSample(Prices{InPerMTok: tt.inPrice, OutPerMTok: tt.price}, 600, tt.outTok, 0)
			if err != nil {
				t.Fatal(err)
			}
			cost, err := ExpectedCost(hanoi20, samples, c)
			if err != nil || !relClose(cost, tt.wantCost, 0.05) {
				t.Errorf("ExpectedCost = $%.0f, %v; want $%.0f ± 5%%", cost, err, tt.wantCost)
			}
		})
	}
}

// TestComputeGPT41Mini is the headline case through Compute: oracle rows 3,
// 9, 11 and 12 together.
func TestComputeGPT41Mini(t *testing.T) {
	pl, err := Compute(Input{
		P: 0.9978, Steps: hanoi20,
		Prices:   Prices{InPerMTok: 0.40, OutPerMTok: 1.60},
		InTokens: 600, OutTokens: 538,
		LatencySeconds: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	if pl.KMin != 3 || pl.Target != 0.95 || pl.M != 1 || pl.V != 1 || pl.Concurrency != 3 {
		t.Errorf("k_min/defaults = %d/%v/%d/%v/%d; want 3/0.95/1/1/3", pl.KMin, pl.Target, pl.M, pl.V, pl.Concurrency)
	}
	if math.Abs(pl.PFull-0.98882) > 5e-6 || pl.PFullKMinus1 == nil || math.Abs(*pl.PFullKMinus1-0.00611) > 5e-6 {
		t.Errorf("p_full = %v, p_full(k-1) = %v; want 0.98882, 0.00611", pl.PFull, pl.PFullKMinus1)
	}
	if math.Abs(pl.ExpectedVotesPerStep-3.0133) > 5e-5 || pl.ExpectedSamplesPerStep != pl.ExpectedVotesPerStep {
		t.Errorf("votes/samples per step = %v/%v; want 3.0133", pl.ExpectedVotesPerStep, pl.ExpectedSamplesPerStep)
	}
	if !relClose(pl.ExpectedSamples, 3.16e6, 0.005) {
		t.Errorf("expected samples = %v; want ≈3.16e6", pl.ExpectedSamples)
	}
	if math.Abs(pl.CostPerSampleUSD-0.0011008) > 1e-12 || !relClose(pl.ExpectedCostUSD, 3500, 0.05) {
		t.Errorf("cost = $%v/call, $%.0f total; want $0.0011008, ≈$3,500", pl.CostPerSampleUSD, pl.ExpectedCostUSD)
	}
	wantTable := []UndecidedPoint{{3, 6905}, {5, 45.5}, {7, 0.30}, {9, 0.002}}
	if len(pl.UndecidedAfterRound) != len(wantTable) {
		t.Fatalf("undecided table = %v; want 4 rows like %v", pl.UndecidedAfterRound, wantTable)
	}
	for i, w := range wantTable {
		if g := pl.UndecidedAfterRound[i]; g.Votes != w.Votes || !relClose(g.Undecided, w.Undecided, 0.02) {
			t.Errorf("row %d = %+v; want %+v ± 2%%", i, g, w)
		}
	}
	// One round for the 3 parallel votes plus 0.0133 sequential extra votes.
	if want := hanoi20 * (1 + (pl.ExpectedSamplesPerStep - 3)) * 2; !relClose(pl.ExpectedWallSeconds, want, 1e-12) {
		t.Errorf("wall = %v s; want %v s", pl.ExpectedWallSeconds, want)
	}
}

func TestComputeJSON(t *testing.T) {
	pl, err := Compute(Input{P: 1, Steps: 10, Rounds: 2})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(pl)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"k_min", "p_full", "p_full_k_minus_1", "expected_votes_per_step",
		"expected_samples_per_step", "expected_samples", "expected_cost_usd", "undecided_after_round",
		"expected_wall_seconds", "p", "steps", "target", "m", "v", "prices"} {
		if _, ok := m[key]; !ok {
			t.Errorf("JSON lacks %q: %s", key, b)
		}
	}
	if m["p_full_k_minus_1"] != nil || m["k_min"] != 1.0 || m["p_full"] != 1.0 {
		t.Errorf("p = 1 plan = %s; want k_min 1, p_full 1, p_full_k_minus_1 null", b)
	}
	rows, _ := m["undecided_after_round"].([]any)
	if len(rows) != 2 || !strings.Contains(string(b), `{"votes":1,"undecided":0}`) {
		t.Errorf("undecided_after_round = %v; want 2 rows starting {votes 1, undecided 0}", rows)
	}
}

// TestKMinGrowsWithSteps is oracle row 6: k_min = Θ(ln s).
func TestKMinGrowsWithSteps(t *testing.T) {
	want := map[int]int{1e1: 1, 1e2: 2, 1e3: 2, 1e4: 2, 1e5: 3, 1e6: 3, 1e7: 4, 1e8: 4, 1e9: 4}
	for s, w := range want {
		if k, err := KMin(0.998, s, 0.95, 1); err != nil || k != w {
			t.Errorf("KMin(p=0.998, s=%d) = %d, %v; want %d", s, k, err, w)
		}
	}
}

// TestKMinByP is oracle row 7.
func TestKMinByP(t *testing.T) {
	tests := []struct {
		p float64
		k int
	}{{0.6, 42}, {0.7, 20}, {0.8, 13}, {0.9, 8}, {0.95, 6}, {0.99, 4}, {0.998, 3}, {1, 1}}
	for _, tt := range tests {
		if k, err := KMin(tt.p, hanoi20, 0.95, 1); err != nil || k != tt.k {
			t.Errorf("KMin(p=%v) = %d, %v; want %d", tt.p, k, err, tt.k)
		}
	}
}

// TestKMinTarget is oracle row 8.
func TestKMinTarget(t *testing.T) {
	tests := []struct {
		t float64
		k int
	}{{0.5, 3}, {0.9, 3}, {0.95, 3}, {0.99, 4}, {0.999, 4}}
	for _, tt := range tests {
		if k, err := KMin(0.9978, hanoi20, tt.t, 1); err != nil || k != tt.k {
			t.Errorf("KMin(t=%v) = %d, %v; want %d", tt.t, k, err, tt.k)
		}
	}
}

// TestSuccess covers oracle rows 2-5 and 13.
func TestSuccess(t *testing.T) {
	full := []struct {
		p       float64
		k, s, m int
		want    float64
		tol     float64
	}{
		{0.998, 3, hanoi20, 1, 0.99160, 5e-6},  // row 2
		{0.998, 2, hanoi20, 1, 0.0148, 5e-5},   // row 2
		{0.9978, 3, hanoi20, 1, 0.98882, 5e-6}, // row 3
		{0.9978, 2, hanoi20, 1, 0.00611, 5e-6}, // row 3
		{0.99, 1, 100, 1, 0.366, 5e-4},         // row 13: k = 1 is no voting, p^s
		{0.9978, 3, 1e9, 1, math.Exp(-1e9 * 1.0718587e-8), 1e-9},
		{0.9, 400, 1e9, 1, 1, 0},            // r^k underflows to 0
		{1, 1, hanoi20, 1, 1, 0},            // p = 1 needs no voting
		{0.9, 3, 1000, 1000, 0.99863, 5e-6}, // single agent: one subtask
	}
	for _, tt := range full {
		got, err := SuccessFull(tt.p, tt.k, tt.s, tt.m)
		if err != nil || math.Abs(got-tt.want) > tt.tol {
			t.Errorf("SuccessFull(%v, %d, %d, %d) = %v, %v; want %v", tt.p, tt.k, tt.s, tt.m, got, err, tt.want)
		}
	}
	if got, _ := SuccessFull(0.99, 1, 100, 1); !relClose(got, math.Pow(0.99, 100), 1e-13) {
		t.Errorf("SuccessFull(k=1) = %v; want p^s = %v", got, math.Pow(0.99, 100))
	}
	step := []struct {
		p       float64
		k       int
		wantErr float64 // 1 - SuccessPerStep
		tol     float64
	}{
		{0.9978, 3, 1.0719e-8, 1e-12}, // row 4
		{0.7, 3, 1 - 0.9270, 5e-5},    // row 4
		{1, 5, 0, 0},
	}
	for _, tt := range step {
		got, err := SuccessPerStep(tt.p, tt.k)
		if err != nil || math.Abs((1-got)-tt.wantErr) > tt.tol {
			t.Errorf("SuccessPerStep(%v, %d) = 1 - %v, %v; want 1 - %v", tt.p, tt.k, 1-got, err, tt.wantErr)
		}
	}
}

// TestExpectedVotes is oracle row 9, plus the exact edge cases.
func TestExpectedVotes(t *testing.T) {
	tests := []struct {
		p    float64
		k    int
		want float64
		tol  float64
	}{
		{0.9978, 3, 3.0133, 5e-5},
		{0.9, 8, 10.000, 5e-4},
		{0.6, 42, 210.0, 5e-2},
		{0.7, 1, 1, 0},            // one vote always decides
		{0.8, 2, 2 / 0.68, 1e-12}, // k = 2: 2/(p²+q²)
		{1, 7, 7, 0},
		{0.5 + 1e-9, 4, 16, 1e-6}, // → k² as p → 0.5
	}
	for _, tt := range tests {
		got, err := ExpectedVotes(tt.p, tt.k)
		if err != nil || math.Abs(got-tt.want) > tt.tol {
			t.Errorf("ExpectedVotes(%v, %d) = %v, %v; want %v", tt.p, tt.k, got, err, tt.want)
		}
	}
	if got, err := ExpectedSamples(0.9, 8, 0.8); err != nil || math.Abs(got-12.5) > 1e-3 {
		t.Errorf("ExpectedSamples(0.9, 8, v=0.8) = %v, %v; want 12.5", got, err)
	}
}

// TestVoteDistribution is oracle rows 10 and 11 on the distribution itself.
func TestVoteDistribution(t *testing.T) {
	const p, q = 0.9978, 1 - 0.9978
	d, err := VoteDistribution(p, 3, 9)
	if err != nil {
		t.Fatal(err)
	}
	if want := p*p*p + q*q*q; math.Abs(d.Correct[3]+d.Wrong[3]-want) > 1e-15 || math.Abs(want-0.993415) > 5e-7 {
		t.Errorf("P(N=3) = %v; want p³+q³ = %v ≈ 0.993415", d.Correct[3]+d.Wrong[3], want)
	}
	for n := 0; n <= 9; n++ {
		if n%2 == 0 && d.Correct[n]+d.Wrong[n] != 0 {
			t.Errorf("P(N=%d) = %v; want 0 (parity)", n, d.Correct[n]+d.Wrong[n])
		}
	}
	// Each further pair of votes multiplies the open mass by 3pq for k = 3.
	for n := 5; n <= 9; n += 2 {
		if ratio := d.Undecided[n] / d.Undecided[n-2]; !relClose(ratio, 3*p*q, 1e-9) {
			t.Errorf("U(%d)/U(%d) = %v; want 3pq = %v", n, n-2, ratio, 3*p*q)
		}
	}
	u, err := UndecidedAfter(p, 3, 9)
	if err != nil || len(u) != 7 || u[0] != (UndecidedPoint{3, d.Undecided[3]}) || u[1].Undecided != u[0].Undecided {
		t.Errorf("UndecidedAfter = %v, %v; want 7 rows from 3, U(4) = U(3)", u, err)
	}
	table, err := UndecidedTable(p, 3, hanoi20, 4)
	want := []float64{6905, 45.5, 0.30, 0.002}
	for i := range want {
		if err != nil || table[i].Votes != 3+2*i || !relClose(table[i].Undecided, want[i], 0.02) {
			t.Errorf("UndecidedTable row %d = %+v, %v; want {%d %v}", i, table[i], err, 3+2*i, want[i])
		}
	}
	// The chance of a wrong decision per step is r^k/(1+r^k) = 1.07e-8.
	var wrong float64
	for _, w := range d.Wrong {
		wrong += w
	}
	if !relClose(wrong, 1.0718587e-8, 1e-6) {
		t.Errorf("P(wrong) = %v; want 1.0718587e-8", wrong)
	}
}

// TestCostOverM is oracle row 15: Eq. 17's cost grows exponentially in m.
// The cost per call is m times that of one step (m steps per call).
func TestCostOverM(t *testing.T) {
	want := map[int]float64{100: 2.03, 1000: 1.15e4, 10000: 2.2e43}
	cost := func(m int) float64 {
		pl, err := Compute(Input{P: 0.99, Steps: 1e6, Target: 0.9, M: m,
			Prices: Prices{OutPerMTok: 1}, OutTokens: float64(m)})
		if err != nil {
			t.Fatal(err)
		}
		return pl.ExpectedCostUSD
	}
	base := cost(1)
	for m, w := range want {
		if got := cost(m) / base; !relClose(got, w, 0.01) {
			t.Errorf("cost(m=%d)/cost(m=1) = %.4g; want %.3g", m, got, w)
		}
	}
}

func TestCostPerSample(t *testing.T) {
	pr := Prices{InPerMTok: 2, OutPerMTok: 8, CachedInPerMTok: 0.5}
	// 400 uncached × 2 + 600 cached × 0.5 + 100 out × 8 = 1900 µ$.
	if got, err := CostPerSample(pr, 1000, 100, 600); err != nil || math.Abs(got-0.0019) > 1e-15 {
		t.Errorf("CostPerSample = %v, %v; want 0.0019", got, err)
	}
	pr.CachedInPerMTok = 0 // no cache price: billed as plain input
	if got, err := CostPerSample(pr, 1000, 100, 600); err != nil || math.Abs(got-0.0028) > 1e-15 {
		t.Errorf("CostPerSample without cache price = %v, %v; want 0.0028", got, err)
	}
}

func TestExpectedWall(t *testing.T) {
	tests := []struct {
		steps       int
		samples     float64
		k           int
		latency     float64
		concurrency int
		want        float64
	}{
		{10, 3, 3, 2, 3, 20},     // one round per step
		{10, 3.5, 3, 2, 3, 30},   // plus half an extra round
		{10, 3, 3, 2, 1, 60},     // sequential first wave
		{10, 6, 5, 1, 2, 40},     // ceil(5/2) = 3 rounds + 1 extra
		{10, 2.5, 3, 1, 100, 10}, // fewer samples than k: no extra
		{10, 3, 3, 0, 3, 0},
	}
	for _, tt := range tests {
		got, err := ExpectedWall(tt.steps, tt.samples, tt.k, tt.latency, tt.concurrency)
		if err != nil || math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("ExpectedWall(%+v) = %v, %v; want %v", tt, got, err, tt.want)
		}
	}
}

func TestWilson(t *testing.T) {
	tests := []struct {
		s, n   int
		lo, hi float64
	}{
		{5, 10, 0.2366, 0.7634},
		{0, 10, 0, 0.2775},
		{10, 10, 0.7225, 1},
		{9978, 10000, 0.99665, 0.99855},
	}
	for _, tt := range tests {
		lo, hi, err := Wilson(tt.s, tt.n, Z95)
		if err != nil || math.Abs(lo-tt.lo) > 5e-5 || math.Abs(hi-tt.hi) > 5e-5 {
			t.Errorf("Wilson(%d, %d) = [%v, %v], %v; want [%v, %v]", tt.s, tt.n, lo, hi, err, tt.lo, tt.hi)
		}
	}
}

func TestErrors(t *testing.T) {
	pr := Prices{InPerMTok: 1, OutPerMTok: 1}
	tests := []struct {
		name  string
		err   error
		want  error
		input string // must appear in the message
	}{
		{"p=0.5", second(KMin(0.5, 10, 0.95, 1)), ErrVotingCannotHelp, "p = 0.5"},
		{"p=0.3 step", second(SuccessPerStep(0.3, 3)), ErrVotingCannotHelp, "p = 0.3"},
		{"p=0.4 votes", second(ExpectedVotes(0.4, 3)), ErrVotingCannotHelp, "p = 0.4"},
		{"p=0", second(SuccessFull(0, 3, 10, 1)), ErrOutOfRange, "p = 0"},
		{"p>1", second(KMin(1.01, 10, 0.95, 1)), ErrOutOfRange, "p = 1.01"},
		{"p NaN", second(ExpectedVotes(math.NaN(), 3)), ErrOutOfRange, "p = NaN"},
		{"t=1", second(KMin(0.9, 10, 1, 1)), ErrOutOfRange, "target t = 1"},
		{"t=0", second(KMin(0.9, 10, 0, 1)), ErrOutOfRange, "target t = 0"},
		{"steps=0", second(KMin(0.9, 0, 0.9, 1)), ErrOutOfRange, "steps = 0"},
		{"m=0", second(SuccessFull(0.9, 3, 10, 0)), ErrOutOfRange, "m = 0"},
		{"m>steps", second(SuccessFull(0.9, 3, 10, 11)), ErrOutOfRange, "m = 11"},
		{"k=0", second(SuccessPerStep(0.9, 0)), ErrOutOfRange, "k = 0"},
		{"k>MaxK", second(ExpectedVotes(0.9, MaxK+1)), ErrOutOfRange, "k = 10001"},
		{"v=0", second(ExpectedSamples(0.9, 3, 0)), ErrOutOfRange, "v = 0"},
		{"v>1", second(ExpectedSamples(0.9, 3, 1.5)), ErrOutOfRange, "v = 1.5"},
		{"price<0", second(CostPerSample(Prices{InPerMTok: -1}, 1, 1, 0)), ErrOutOfRange, "prices.InPerMTok = -1"},
		{"tokens<0", second(CostPerSample(pr, 1, -2, 0)), ErrOutOfRange, "outTok = -2"},
		{"cached>in", second(CostPerSample(pr, 1, 1, 2)), ErrOutOfRange, "cachedIn = 2"},
		{"maxVotes<k", second(UndecidedAfter(0.9, 3, 2)), ErrOutOfRange, "maxVotes = 2"},
		{"rounds=0", second(UndecidedTable(0.9, 3, 10, 0)), ErrOutOfRange, "rounds = 0"},
		{"concurrency=0", second(ExpectedWall(10, 3, 3, 1, 0)), ErrOutOfRange, "concurrency = 0"},
		{"latency<0", second(ExpectedWall(10, 3, 3, -1, 1)), ErrOutOfRange, "latencySec = -1"},
		{"near 0.5", second(KMin(0.5+1e-9, hanoi20, 0.95, 1)), ErrOutOfRange, "too close to 0.5"},
		{"wilson n", third(Wilson(0, 0, Z95)), ErrOutOfRange, "n = 0"},
		{"wilson s>n", third(Wilson(11, 10, Z95)), ErrOutOfRange, "successes = 11"},
		{"compute p", second(Compute(Input{P: 0.5, Steps: 10})), ErrVotingCannotHelp, "p = 0.5"},
		{"compute v", second(Compute(Input{P: 0.9, Steps: 10, V: -0.1})), ErrOutOfRange, "v = -0.1"},
		{"compute rounds", second(Compute(Input{P: 0.9, Steps: 10, Rounds: 1001})), ErrOutOfRange, "rounds = 1001"},
		{"compute m", second(Compute(Input{P: 0.9, Steps: 1e5, M: 1e5})), ErrOutOfRange, "p^(m-1) underflows"},
		{"compute price", second(Compute(Input{P: 0.9, Steps: 10, Prices: Prices{OutPerMTok: -1}})), ErrOutOfRange, "OutPerMTok"},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.want) || !strings.Contains(tt.err.Error(), tt.input) {
			t.Errorf("%s: err = %v; want %v naming %q", tt.name, tt.err, tt.want, tt.input)
		}
	}
	if !strings.Contains(ErrVotingCannotHelp.Error(), "voting cannot help when p <= 0.5") {
		t.Errorf("ErrVotingCannotHelp = %q", ErrVotingCannotHelp)
	}
}

func second[T any](_ T, err error) error        { return err }
func third[T, U any](_ T, _ U, err error) error { return err }
