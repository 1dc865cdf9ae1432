package runs

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/spf13/pflag"
)

// TestRunDescription checks that the journaled description rebuilds every
// run setting, holds no credential and names no flag, and that a config
// journaled as flag values still resumes.
func TestRunDescription(t *testing.T) {
	fs := pflag.NewFlagSet("hanoi", pflag.ContinueOnError)
	new(Flags).Register(fs)
	args := []string{
		"--seed", "42", "--sim-error", "0.01", "--sim-latency", "3ms", "--target", "0.9", "--p", "0.99",
		"--max-tokens", "900", "--min-chars", "2", "--concurrency", "7", "--max-samples", "50",
		"--first-temperature", "0.1", "--temperature", "0.7", "--batch=false", "--price-in", "1.5", "--price-out", "2.5",
		"--max-cost", "3", "--max-samples-total", "999", "--max-wall", "1h", "--report", "r.html",
		"--rpm", "60", "--tpm", "1000", "--retries", "0", "--retry-wait", "2s", "--timeout", "30s",
		"--base-url", "https://me:s3cret@example.test/v1", "--api-key-env", "MY_KEY", "--model", "openai/x",
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	// The flags as parsed, through the older format.
	want, err := newStoredConfig(fs, 4).flags()
	if err != nil {
		t.Fatal(err)
	}
	want.journal = journalFlags{} // where a session journals is not the run's
	b, err := json.Marshal(want.describe(4))
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"s3cret", `"first-temperature"`, `"max-samples-total"`} {
		if bytes.Contains(b, []byte(leak)) {
			t.Errorf("the description holds %s: %s", leak, b)
		}
	}
	got, err := journaledFlags(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rebuilt settings\n%+v\nwant\n%+v", got, want)
	}
	old, err := json.Marshal(newStoredConfig(fs, 4))
	if err != nil {
		t.Fatal(err)
	}
	fromOld, err := journaledFlags(old)
	if fromOld != nil {
		fromOld.journal = journalFlags{}
	}
	if err != nil || !reflect.DeepEqual(fromOld, want) {
		t.Errorf("settings from a flag-value config: %+v, %v", fromOld, err)
	}
	if _, err := journaledFlags([]byte(`{"format": 9, "k": 1}`)); err == nil {
		t.Error("a config of an unknown format was accepted")
	}
}
