package gemini_test

import (
	"bytes"
	"fmt"
	"log"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
)

// logs collects everything written through the standard log package and
// slog's default logger while the tests run (the SDKs log through the
// former), and the engine's logger in TestRunHanoi.
var logs lockedBuffer

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// debugLogger logs everything to logs.
func debugLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// TestMain fails the run if the fake API key shows up in any log line.
func TestMain(m *testing.M) {
	log.SetOutput(&logs)
	slog.SetDefault(debugLogger())
	code := m.Run()
	if strings.Contains(logs.String(), fakeKey) {
		fmt.Fprintln(os.Stderr, "FAIL: the API key leaked into the logs")
		code = 1
	}
	os.Exit(code)
}
