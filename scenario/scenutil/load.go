package scenutil

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxInstanceBytes bounds an instance file: 64 MiB holds far more than the
// largest generated instance.
const MaxInstanceBytes = 64 << 20

// Decode reads one JSON value into v strictly: unknown fields and trailing
// data are errors, so a misspelt key is reported instead of silently
// ignored.
func Decode(r io.Reader, v any) error {
	dec := json.NewDecoder(io.LimitReader(r, MaxInstanceBytes+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: no JSON value (empty input)", ErrInstance)
		}
		return fmt.Errorf("%w: %v", ErrInstance, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: data after the JSON value", ErrInstance)
	}
	return nil
}

// DecodeFile is [Decode] on a file; errors name the file.
func DecodeFile(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("instance file: %w", err)
	}
	if len(b) > MaxInstanceBytes {
		return fmt.Errorf("%w: %s is larger than %d bytes", ErrInstance, path, MaxInstanceBytes)
	}
	if err := Decode(bytes.NewReader(b), v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Encode writes v as indented JSON, the form generated instances are saved
// in.
func Encode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Load decodes an instance file strictly (see [DecodeFile]) into a new T and
// checks it with validate, whose errors then name the file. Every scenario's
// Load is this with its own validation, so they all reject the same things
// the same way.
func Load[T any](path string, validate func(*T) error) (*T, error) {
	var in T
	if err := DecodeFile(path, &in); err != nil {
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
