package taskfile

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
)

// bigTask writes the running-sum example with the given number of expected
// steps, in the compact one-line form a generated file uses.
func bigTask(tb testing.TB, steps int) []byte {
	tb.Helper()
	head, err := os.ReadFile("../examples/yaml/running-sum.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	h, _, _ := strings.Cut(string(head), "\nexpected:")
	h = strings.Replace(h, "  steps: 210", fmt.Sprintf("  steps: %d", steps), 1)
	var b bytes.Buffer
	b.WriteString(h)
	b.WriteString("\nexpected:\n")
	sum := 0
	for i := 1; i <= steps; i++ {
		sum += i
		fmt.Fprintf(&b, "  - {action: add %d, state: \"%d\"}\n", i, sum)
	}
	return b.Bytes()
}

// BenchmarkParseBig loads a 600,000-step task file (28 MB) and reports the
// heap it keeps; run with -benchmem -memprofile to see where the rest goes.
func BenchmarkParseBig(b *testing.B) {
	data := bigTask(b, 600000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		t, err := Parse("big.yaml", string(data))
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(t.expected.len()), "kept-B/step")
		runtime.KeepAlive(t)
	}
}
