package taskfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"go.yaml.in/yaml/v3"
)

// source is a file of records read a record at a time: the per-step inputs
// or the expected answers. When the task file is read, the whole file is
// scanned once (every record checked, counted and hashed); during the run a
// [cursor] reads it again in order, holding only a small window of records.
type source struct {
	name   string // as the task file writes it, for errors
	path   string // resolved against the task file's directory; the name when data is set
	data   []byte // the file's contents when it was sent with the task file ([Options.Files])
	format string
	count  int
	sha256 string
	first  *Record // the first record, for checking templates against it
}

// source is the data file a task file names at node at: placed by
// [resolve], or, for a file that may name none of the reader's own
// ([Options.NoFiles]), taken from the files sent with it or confined to an
// allowed directory (confine.go); instead says what to write in its place.
func (d *decoder) source(at *yaml.Node, field, name, format, instead string) (*source, error) {
	if data, ok := d.opts.Files[name]; ok {
		return sentSource(name, format, data), nil
	}
	if d.opts.NoFiles {
		return d.clientSource(at, field, name, format, instead)
	}
	return &source{name: name, path: resolve(d.file, name), format: format}, nil
}

// resolve places a path written in a task file: relative paths are taken
// from the task file's directory, so a task and its data move together.
func resolve(taskFile, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(taskFile), p)
}

// open opens the source's file, refusing anything but a regular file (a
// device or a pipe would make a run that never ends or cannot resume).
func (s *source) open() (io.ReadCloser, error) {
	if s.data != nil {
		return io.NopCloser(bytes.NewReader(s.data)), nil
	}
	f, err := os.Open(s.path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file", s.path)
	}
	return f, nil
}

// scan reads the whole file once: it hashes it, counts its records and
// calls each (with its 0-based index) for the caller's checks. Memory stays
// that of one record whatever the file's length.
func (s *source) scan(each func(i int, r Record) error) error {
	f, err := s.open()
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	rr, err := newRecordReader(s.format, io.TeeReader(f, h))
	if err != nil {
		return err
	}
	n := 0
	for {
		r, err := rr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if n == 0 {
			first := r
			s.first = &first
		}
		if each != nil {
			if err := each(n, r); err != nil {
				return err
			}
		}
		n++
	}
	// The reader may stop short of the file's end (trailing blank lines):
	// hash the rest, so that any change to the file shows.
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	s.count = n
	s.sha256 = hex.EncodeToString(h.Sum(nil))
	return nil
}

// cursorWindow is how many records a cursor keeps: enough for the steps a
// speculating run prompts ahead and the previous record an expected answer
// starts from.
const cursorWindow = 64

// cursor reads a source's records by index during a run. Indexes are asked
// for nearly in order, so it reads forward and keeps the last
// [cursorWindow] records; an index before the window (a resumed run, a
// retried step) reopens the file and reads up to it again. It is safe for
// concurrent use: the simulator asks from several samples at once.
type cursor struct {
	src *source

	mu     sync.Mutex
	f      io.Closer
	r      recordReader
	next   int // index of the record r reads next
	window [cursorWindow]Record
}

func newCursor(src *source) *cursor { return &cursor{src: src} }

// at returns record i.
func (c *cursor) at(i int) (Record, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i < 0 || i >= c.src.count {
		return Record{}, fmt.Errorf("%s: no record %d (the file has %d)", c.src.name, i+1, c.src.count)
	}
	if c.r != nil && i < c.next && i >= c.next-cursorWindow {
		return c.window[i%cursorWindow], nil
	}
	if c.r == nil || i < c.next {
		if err := c.rewind(); err != nil {
			return Record{}, err
		}
	}
	for c.next <= i {
		r, err := c.r.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("the file ended early: it has changed since it was read")
			}
			c.close()
			return Record{}, fmt.Errorf("%s: record %d: %w", c.src.name, c.next+1, err)
		}
		c.window[c.next%cursorWindow] = r
		c.next++
	}
	return c.window[i%cursorWindow], nil
}

func (c *cursor) rewind() error {
	c.close()
	f, err := c.src.open()
	if err != nil {
		return fmt.Errorf("%s: %w", c.src.name, err)
	}
	r, err := newRecordReader(c.src.format, f)
	if err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", c.src.name, err)
	}
	c.f, c.r, c.next = f, r, 0
	return nil
}

func (c *cursor) close() {
	if c.f != nil {
		c.f.Close()
	}
	c.f, c.r, c.next = nil, nil, 0
}
