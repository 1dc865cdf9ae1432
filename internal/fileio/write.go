package fileio

import (
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/google/renameio/v2"
)

// Output is a file being written: Commit puts it in place, Discard drops
// it. A regular file (or a path with nothing there yet) is written beside
// the path and renamed over it once whole, so a full disk or a kill leaves
// either the old file or the new one, never an empty or partial one.
// Anything else at the path (a device such as /dev/stdout, a FIFO) is
// written in place: renaming over it would replace the device itself.
type Output struct {
	io.Writer
	pending *renameio.PendingFile
	direct  *os.File
}

// Create starts writing the file at path. It fails at once when the file
// cannot be written (no such directory, no permission), before any work
// whose result it is to hold.
func Create(path string) (*Output, error) {
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &Output{Writer: f, direct: f}, nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	p, err := renameio.NewPendingFile(path, renameio.WithPermissions(0o644))
	if err != nil {
		return nil, err
	}
	return &Output{Writer: p, pending: p}, nil
}

// Commit closes the file and puts it in place.
func (o *Output) Commit() error {
	if o.direct != nil {
		return o.direct.Close()
	}
	if err := o.pending.CloseAtomicallyReplace(); err != nil {
		o.pending.Cleanup()
		return err
	}
	return nil
}

// Discard drops what was written; the path keeps what it had.
func (o *Output) Discard() {
	if o.direct != nil {
		o.direct.Close()
		return
	}
	o.pending.Cleanup()
}

// WriteFile writes data to path as [Create] and [Output.Commit] do.
func WriteFile(path string, data []byte) error {
	o, err := Create(path)
	if err != nil {
		return err
	}
	if _, err := o.Write(data); err != nil {
		o.Discard()
		return err
	}
	return o.Commit()
}
