package maker_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	_ "github.com/maker-go/maker/openai" // the vllm/ preset the HTTP columns open
	"github.com/maker-go/maker/sim"
)

// fastestOfK is the mean of the fastest of k log-normal latencies with
// median 1 and spread sigma: E[exp(sigma*Z_(1))], Z_(1) the least of k
// standard normals, by numeric integration. It is the floor of speculative
// pipelining: a step can start no sooner than its predecessor's first
// answer.
func fastestOfK(sigma float64, k int) float64 {
	const lo, hi, n = -9.0, 9.0, 20000
	h := (hi - lo) / n
	var sum float64
	for i := 0; i <= n; i++ {
		z := lo + float64(i)*h
		pdf := math.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
		surv := 0.5 * math.Erfc(z/math.Sqrt2)
		f := math.Exp(sigma*z) * float64(k) * pdf * math.Pow(surv, float64(k-1))
		if i == 0 || i == n {
			f /= 2
		}
		sum += f
	}
	return sum * h
}

func TestFastestOfK(t *testing.T) {
	// The floor quoted in docs/concepts.md.
	for _, c := range []struct{ sigma, want float64 }{{0.3, 0.795}, {0.8, 0.60}, {0, 1}} {
		if got := fastestOfK(c.sigma, 3); math.Abs(got-c.want) > 0.005 {
			t.Errorf("sigma %g: %.4f, want %.3f", c.sigma, got, c.want)
		}
	}
}

// TestSpeculationTable prints the speculation benchmark: simulated Hanoi
// runs, k=3, log-normal latency with median 50 ms, for each depth (auto is
// the default, SpeculateAuto with the planned p), spread and per-sample
// success rate, in process and over HTTP at depth 0 and auto: through the
// simulated server of `maker sim serve` (a request for n completions takes
// the longest of their n latencies) and through a mock that takes one
// latency a request whatever n. It ends with the README's table. It runs
// only with MAKER_BENCH_SPECULATION=1 (scripts/bench-speculation.sh);
// MAKER_BENCH_DISKS sets the size (6).
func TestSpeculationTable(t *testing.T) {
	if os.Getenv("MAKER_BENCH_SPECULATION") != "1" {
		t.Skip("set MAKER_BENCH_SPECULATION=1 (scripts/bench-speculation.sh)")
	}
	disks := 6
	if v, err := strconv.Atoi(os.Getenv("MAKER_BENCH_DISKS")); err == nil {
		disks = v
	}
	const k, median = 3, 50 * time.Millisecond
	task, err := hanoi.New(disks)
	if err != nil {
		t.Fatal(err)
	}
	type cell struct {
		ratio, waste float64
		depth        int
	}
	// run is one simulated run; over "" in process (ordered, as maker runs
	// the simulator), over "serve" or "mock" through HTTP (unordered, as
	// maker runs a provider, with no planned p).
	run := func(p, sigma float64, depth int, over string) cell {
		cfg := sim.DefaultConfig()
		cfg.ErrorRate, cfg.Latency, cfg.LatencySpread = 1-p, median, sigma
		var m maker.Model
		ecfg := maker.Config{K: k, Batch: true, Speculate: depth}
		switch over {
		case "":
			if m, err = sim.New(task, cfg); err != nil {
				t.Fatal(err)
			}
			ecfg.Ordered, ecfg.PlannedP = true, p
		default:
			m = httpModel(t, task, cfg, over == "mock")
		}
		res, err := maker.Run(context.Background(), task, m, ecfg)
		s := res.Summary
		if err != nil || s.WrongSteps != 0 {
			t.Errorf("p=%g sigma=%g depth %d %s: %v, %d wrong", p, sigma, depth, over, err, s.WrongSteps)
		}
		checkInvariant(t, s)
		return cell{s.WallPerStep / median.Seconds(), s.WastedShare(), s.Depth}
	}
	depthName := func(d int) string {
		if d == maker.SpeculateAuto {
			return "auto"
		}
		return strconv.Itoa(d)
	}
	fmt.Printf("hanoi %d disks (%d steps), k=%d, simulated log-normal latency, median %v\n", disks, task.Steps(), k, median)
	fmt.Printf("%-6s %-5s %-6s %-6s %14s %8s %6s %9s\n", "p", "sigma", "over", "depth", "wall/step÷med", "waste%", "used", "÷floor")
	readme := map[float64][]string{}
	for _, p := range []float64{0.9978, 0.99, 0.9} {
		for _, sigma := range []float64{0.3, 0.8} {
			floor := fastestOfK(sigma, k)
			for _, c := range []struct {
				over  string
				depth int
			}{{"", 0}, {"", 1}, {"", 2}, {"", 4}, {"", 8}, {"", maker.SpeculateAuto}, {"serve", 0}, {"serve", maker.SpeculateAuto}, {"mock", 0}, {"mock", maker.SpeculateAuto}} {
				x := run(p, sigma, c.depth, c.over)
				over := c.over
				if over == "" {
					over = "inproc"
				}
				fmt.Printf("%-6g %-5g %-6s %-6s %14.3f %8.2f %6d %9.3f\n", p, sigma, over, depthName(c.depth), x.ratio, 100*x.waste, x.depth, x.ratio/floor)
				if sigma != 0.3 {
					continue
				}
				switch {
				case c.over == "" && c.depth == maker.SpeculateAuto:
					readme[p] = append(readme[p], fmt.Sprintf("%.3f (depth %d)", x.ratio, x.depth), fmt.Sprintf("%.1f %%", 100*x.waste))
				case c.over != "mock":
					readme[p] = append(readme[p], fmt.Sprintf("%.3f", x.ratio))
				}
			}
		}
	}
	fmt.Println("\nREADME (sigma 0.3):")
	fmt.Println("| p | depth 0 | 1 | 2 | 4 | 8 | auto (default) | waste at auto | `sim serve`, depth 0 | `sim serve`, auto |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for _, p := range []float64{0.9978, 0.99, 0.9} {
		fmt.Printf("| %g | %s |\n", p, strings.Join(readme[p], " | "))
	}
}

// httpModel is the simulated model behind an OpenAI-compatible server on
// loopback, opened as maker opens --model vllm/sim --base-url: the server
// of `maker sim serve`, or, with oneLatency, a mock that sleeps one
// log-normal latency a request, however many completions it asks for.
func httpModel(t *testing.T, task maker.Oracle, cfg sim.Config, oneLatency bool) maker.Model {
	t.Helper()
	lat, spread := cfg.Latency, cfg.LatencySpread
	if oneLatency {
		cfg.Latency = 0
	}
	srv, err := sim.NewServer([]maker.Oracle{task}, sim.ServerConfig{Model: cfg})
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = srv
	if oneLatency {
		var mu sync.Mutex
		rng := rand.New(rand.NewPCG(cfg.Seed, 0x1a7))
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			d := time.Duration(float64(lat) * math.Exp(spread*rng.NormFloat64()))
			mu.Unlock()
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return
			}
			srv.ServeHTTP(w, r)
		})
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	m, err := maker.OpenModel(context.Background(), maker.ModelSpec{Name: "vllm/sim", BaseURL: ts.URL + "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
