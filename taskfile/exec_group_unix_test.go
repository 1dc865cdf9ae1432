//go:build unix

package taskfile

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childGone waits until the process whose id the action wrote to
// pidFile is dead, and reports whether it died before the deadline. A
// killed orphan may stay a zombie until init reaps it, which counts as
// dead.
func childGone(t *testing.T, pidFile string) bool {
	t.Helper()
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("the action's child wrote no pid: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) || zombie(pid) {
			return true
		}
	}
	return false
}

// TestActingLingeringChild: an action that exits 0 but leaves a child
// holding its stdout finishes with its output, well inside its timeout,
// and the child is killed.
func TestActingLingeringChild(t *testing.T) {
	start := time.Now()
	next, dir, err := boxed(t, `sh -c 'echo $$ > child.pid; exec sleep 60' &
while [ ! -s child.pid ]; do sleep 0.01; done
echo 7
`, ", timeout: 30s")
	if err != nil || next != "7" {
		t.Fatalf("next %q, error %v (after %s): want 7", next, err, time.Since(start))
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("the action took %s: a lingering child held the step", took)
	}
	if !childGone(t, filepath.Join(dir, "child.pid")) {
		t.Error("the action's child outlived it")
	}
}

// TestActingTimeoutKillsGroup: an action that runs out of time is killed
// with every process it started.
func TestActingTimeoutKillsGroup(t *testing.T) {
	_, dir, err := boxed(t, `sh -c 'echo $$ > child.pid; exec sleep 60' &
while [ ! -s child.pid ]; do sleep 0.01; done
sleep 60
`, ", timeout: 2s")
	if err == nil || !strings.Contains(err.Error(), "timed out after 2s") {
		t.Fatalf("error %v, want a timeout", err)
	}
	if !childGone(t, filepath.Join(dir, "child.pid")) {
		t.Error("the action's child outlived its timeout")
	}
}

// zombie reports whether /proc shows the process as exited but not yet
// reaped; false where there is no /proc.
func zombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses.
	i := strings.LastIndexByte(string(b), ')')
	return i >= 0 && strings.HasPrefix(string(b[i+1:]), " Z")
}
