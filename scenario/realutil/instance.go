package realutil

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// Decode reads one JSON instance into a new T, rejecting unknown fields,
// and checks it with validate. scenario names the package in errors
// ("apitest: instance: ..."), as each scenario reports its own.
func Decode[T any](r io.Reader, scenario string, validate func(*T) error) (*T, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var in T
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("%s: instance: %w", scenario, err)
	}
	if err := validate(&in); err != nil {
		return nil, err
	}
	return &in, nil
}

// Load is [Decode] on a file; errors name the file, and a file that cannot
// be opened keeps its [os.ErrNotExist] or permission error.
func Load[T any](path, scenario string, validate func(*T) error) (*T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", scenario, err)
	}
	defer f.Close()
	in, err := Decode(f, scenario, validate)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return in, nil
}
