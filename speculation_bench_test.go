package maker_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
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
// runs, k=3, log-normal latency with median 50 ms, for each depth, spread
// and per-sample success rate. It runs only with MAKER_BENCH_SPECULATION=1
// (scripts/bench-speculation.sh); MAKER_BENCH_DISKS sets the size (6).
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
	fmt.Printf("hanoi %d disks (%d steps), k=%d, simulated log-normal latency, median %v, ordered tally\n", disks, task.Steps(), k, median)
	fmt.Printf("%-6s %-5s %-6s %14s %13s %8s %6s %9s %9s\n", "p", "sigma", "depth", "wall/step÷med", "samples/step", "waste%", "wrong", "hit rate", "÷floor")
	for _, p := range []float64{0.9978, 0.99, 0.9} {
		for _, sigma := range []float64{0.3, 0.8} {
			floor := fastestOfK(sigma, k)
			for _, depth := range []int{0, 1, 2, 4, 8} {
				cfg := sim.DefaultConfig()
				cfg.ErrorRate, cfg.Latency, cfg.LatencySpread = 1-p, median, sigma
				m, err := sim.New(task, cfg)
				if err != nil {
					t.Fatal(err)
				}
				res, err := maker.Run(context.Background(), task, m, maker.Config{K: k, Ordered: true, Speculate: depth})
				s := res.Summary
				if err != nil {
					t.Errorf("p=%g sigma=%g depth %d: %v", p, sigma, depth, err)
				}
				checkInvariant(t, s)
				ratio := s.WallPerStep / median.Seconds()
				fmt.Printf("%-6g %-5g %-6d %14.3f %13.3f %8.2f %6d %9.3f %9.3f\n", p, sigma, depth, ratio,
					float64(s.Samples)/float64(s.Steps-s.StartStep), 100*s.WastedShare(), s.WrongSteps, s.HitRate, ratio/floor)
			}
		}
	}
}
