package fileio

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadCappedRegularFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, bytes.Repeat([]byte("x"), n), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name    string
		size    int
		max     int64
		tooBig  bool
		wantLen int
	}{
		{"empty", 0, 10, false, 0},
		{"under", 5, 10, false, 5},
		{"at the limit", 10, 10, false, 10},
		{"one over", 11, 10, true, 0},
		{"several chunks", 3*chunk + 7, 4 * chunk, false, 3*chunk + 7},
	}
	for _, tt := range tests {
		p := write(tt.name, tt.size)
		b, err := ReadCapped(context.Background(), p, tt.max)
		if tt.tooBig {
			if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), p) {
				t.Errorf("%s: err = %v, want ErrTooLarge naming the file", tt.name, err)
			}
			continue
		}
		if err != nil || len(b) != tt.wantLen {
			t.Errorf("%s: %d bytes, %v; want %d", tt.name, len(b), err, tt.wantLen)
		}
	}
	// A huge sparse file is refused by its size, before anything is read.
	sparse := filepath.Join(dir, "sparse")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 40); err != nil {
		t.Skipf("cannot make a sparse file: %v", err)
	}
	f.Close()
	start := time.Now()
	if _, err := ReadCapped(context.Background(), sparse, MaxTaskFile); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "64 MiB") {
		t.Errorf("1 TiB file: err = %v, want ErrTooLarge naming the 64 MiB limit", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("refusing a 1 TiB file took %s: it was read", d)
	}
	if _, err := ReadCapped(context.Background(), filepath.Join(dir, "missing"), 10); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: err = %v, want fs.ErrNotExist", err)
	}
}

func TestReadCappedEndlessDevice(t *testing.T) {
	// /dev/zero has size 0 and never ends: the limit stops the read.
	b, err := ReadCapped(context.Background(), "/dev/zero", 4<<20)
	if !errors.Is(err, ErrTooLarge) || b != nil {
		t.Fatalf("/dev/zero: %d bytes, err = %v; want ErrTooLarge", len(b), err)
	}
	if want := "/dev/zero: larger than the limit of 4 MiB"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func fifo(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return p
}

// readAside runs ReadCapped in a goroutine and returns its outcome.
func readAside(ctx context.Context, path string) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := ReadCapped(ctx, path, 1<<20)
		done <- err
	}()
	return done
}

func wantCancelled(t *testing.T, what string, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want context.Canceled", what, err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: still reading 5s after the context was cancelled", what)
	}
}

func TestReadCappedCancelsAFIFOWithNoWriter(t *testing.T) {
	p := fifo(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := readAside(ctx, p)
	time.Sleep(100 * time.Millisecond) // blocked opening: nobody writes
	cancel()
	wantCancelled(t, "fifo with no writer", done)
}

func TestReadCappedCancelsAFIFOWithASilentWriter(t *testing.T) {
	p := fifo(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := readAside(ctx, p)
	w, err := os.OpenFile(p, os.O_WRONLY, 0) // meets the reader's open
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	time.Sleep(100 * time.Millisecond) // blocked reading: the writer says nothing
	cancel()
	wantCancelled(t, "fifo with a silent writer", done)
}

func TestReadCappedReadsAFIFO(t *testing.T) {
	p := fifo(t)
	go func() {
		w, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		w.WriteString("name: from a pipe\n")
		w.Close()
	}()
	b, err := ReadCapped(context.Background(), p, 1<<20)
	if err != nil || string(b) != "name: from a pipe\n" {
		t.Errorf("fifo: %q, %v", b, err)
	}
}

func TestReadCappedCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadCapped(ctx, "/dev/zero", 1<<20); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
