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
