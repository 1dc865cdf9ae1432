package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/maker-go/maker/internal/fileio"
	"github.com/maker-go/maker/internal/strictjson"
)

// ErrInstance is wrapped by every error about a bad instance, so a command
// can tell bad input from a failed run.
var ErrInstance = errors.New("bad instance")

// MaxInstanceBytes bounds an instance file: 64 MiB holds far more than the
// largest generated instance of any scenario.
const MaxInstanceBytes = fileio.MaxInstanceFile

// Decode reads one JSON value into v strictly (internal/strictjson): at
// most [MaxInstanceBytes], every field name exact and given once, no
// unknown fields, no data after the value, so a misspelt or repeated key or
// a file glued to another is reported instead of silently ignored. Every
// error wraps [ErrInstance].
func Decode(r io.Reader, v any) error {
	b, err := io.ReadAll(io.LimitReader(r, MaxInstanceBytes+1))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInstance, err)
	}
	if len(b) > MaxInstanceBytes {
		return fmt.Errorf("%w: larger than %d bytes", ErrInstance, MaxInstanceBytes)
	}
	if err := strictjson.Unmarshal(b, v); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: no JSON value (empty input)", ErrInstance)
		}
		return fmt.Errorf("%w: %w", ErrInstance, err)
	}
	return nil
}

// decodeFile is [Decode] on a file; errors name the file.
func decodeFile(path string, v any) error {
	b, err := fileio.ReadCapped(context.Background(), path, MaxInstanceBytes)
	if errors.Is(err, fileio.ErrTooLarge) {
		return fmt.Errorf("%w: %w", ErrInstance, err)
	}
	if err != nil {
		return fmt.Errorf("instance file: %w", err)
	}
	if err := Decode(bytes.NewReader(b), v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Encode writes v as indented JSON, the form instances are saved in.
func Encode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Load decodes an instance file strictly (see [Decode]; at most
// [MaxInstanceBytes] are read, so a device or an endless pipe cannot
// exhaust memory) into a new T and checks it with validate; errors name the
// file, and a file that cannot be opened keeps its [os.ErrNotExist] or
// permission error. Every scenario's Load is this with its own
// validation, so all six reject the same things the same way.
func Load[T any](path string, validate func(*T) error) (*T, error) {
	var in T
	if err := decodeFile(path, &in); err != nil {
		return nil, err
	}
	if err := validate(&in); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &in, nil
}

// Read is [Load] from a reader: strict decoding (see [Decode]), then
// validate.
func Read[T any](r io.Reader, validate func(*T) error) (*T, error) {
	var in T
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	if err := validate(&in); err != nil {
		return nil, err
	}
	return &in, nil
}
