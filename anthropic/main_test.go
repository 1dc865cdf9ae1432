package anthropic_test

import (
	"testing"

	"github.com/maker-go/maker/internal/providertest"
)

// TestMain fails the run if the fake API key shows up in any log line.
func TestMain(m *testing.M) { providertest.Main(m, fakeKey) }
