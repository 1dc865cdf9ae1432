package interview

import (
	"testing"

	"github.com/maker-go/maker/scenario/internal/scentest"
)

// BenchmarkLargeRun runs the large instance (LargeSize) on the simulator
// at its default error rate and the planned k, and reports the steps, the
// samples and the cost per run. Run it with
// go test -run '^$' -bench LargeRun -benchtime 1x ./scenario/interview.
func BenchmarkLargeRun(b *testing.B) {
	scentest.BenchLargeRun(b, scentest.Must(b, Generate, New, LargeSize, 1))
}
