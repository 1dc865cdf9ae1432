// Package fileio reads the files maker is given — task files, instances,
// prompt templates — with a size limit and a context, so that neither a huge
// or endless file (/dev/zero) nor one that never delivers (a FIFO with no
// writer) can exhaust memory or outlive an interrupt; and writes the files
// maker leaves (reports, exports, instances) so that a full disk or a kill
// never leaves an empty or half-written one (see write.go).
package fileio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"
)

// The limits on what maker reads, one per kind of file. Each is far above
// any legitimate file of its kind.
const (
	// MaxTaskFile bounds a YAML task file: 64 MiB holds well over a million
	// expected steps of a compact task.
	MaxTaskFile = 64 << 20
	// MaxInstanceFile bounds a scenario instance file.
	MaxInstanceFile = 64 << 20
	// MaxPromptFile bounds a prompt template file.
	MaxPromptFile = 1 << 20
)

// ErrTooLarge is returned, wrapped, for a file larger than the limit.
var ErrTooLarge = errors.New("larger than the limit")

// chunk is how much is read between checks of the context.
const chunk = 1 << 20

// ReadCapped reads the file at path whole, failing with [ErrTooLarge] when
// it holds more than max bytes, and returning ctx's error as soon as ctx is
// done, even while blocked opening or reading a FIFO. A regular file's size
// is checked before anything is read; any other file (a pipe, a device) is
// read through a limit, so at most max+1 bytes are ever taken from it.
func ReadCapped(ctx context.Context, path string, max int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Mode().IsRegular() && st.Size() > max {
		return nil, tooLarge(path, max)
	}
	f, err := open(ctx, path, st)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	// A read blocked on a pipe is woken by a deadline in the past; regular
	// files and devices never block for long and are checked per chunk.
	stop := context.AfterFunc(ctx, func() { _ = f.SetReadDeadline(aLongTimeAgo) })
	defer stop()

	size := int64(512)
	if st.Mode().IsRegular() {
		size = st.Size() + 1 // +1: a file that grew is still seen to end
	}
	buf := make([]byte, 0, min(size, max+1))
	r := &io.LimitedReader{R: f, N: max + 1}
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // let append pick the growth
		}
		n, err := r.Read(buf[len(buf):min(cap(buf), len(buf)+chunk)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return nil, tooLarge(path, max)
		}
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%s: %w", path, ctx.Err())
			}
			return nil, err
		}
	}
}

// aLongTimeAgo is a deadline that has passed.
var aLongTimeAgo = time.Unix(1, 0)

// open opens path for reading. Opening a FIFO blocks until a writer opens
// it, so the open runs aside; when ctx is done first, the FIFO's write end
// is opened here, without blocking, to release it, and ctx's error returned.
func open(ctx context.Context, path string, st os.FileInfo) (*os.File, error) {
	if st.Mode()&os.ModeNamedPipe == 0 {
		return os.Open(path)
	}
	type result struct {
		f   *os.File
		err error
	}
	done := make(chan result, 1)
	go func() {
		f, err := os.Open(path)
		done <- result{f, err}
	}()
	select {
	case r := <-done:
		return r.f, r.err
	case <-ctx.Done():
	}
	if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		_ = w.Close()
	}
	go func() {
		if r := <-done; r.f != nil {
			_ = r.f.Close()
		}
	}()
	return nil, fmt.Errorf("%s: %w", path, ctx.Err())
}

func tooLarge(path string, max int64) error {
	return fmt.Errorf("%s: %w of %s", path, ErrTooLarge, size(max))
}

// size writes a byte count the way the limits are documented.
func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
