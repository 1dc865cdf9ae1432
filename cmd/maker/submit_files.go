package main

import (
	"context"
	"encoding/json"
	"sort"
	"unicode/utf8"

	"github.com/maker-go/maker/internal/fileio"
	"github.com/maker-go/maker/server"
)

// A task file submitted to a service (maker submit ... run TASK.yaml)
// travels with the data files it names: they are read here, on the
// client, and sent in the run's params (the Files of its params), so the
// service reads nothing of its own disk for them. Only its programs
// (execute) must be on the service, in a directory it allows (maker serve
// --allow-execute --allow-dir DIR); the task file's path is sent absolute
// for that.

// submitParams are the params a run is submitted with: a task file's
// carry the data files it names.
func submitParams(ctx context.Context, params any) (json.RawMessage, error) {
	p, ok := params.(interface {
		DataPaths() map[string]string
		Sent(files map[string]string) any
	})
	if !ok {
		return json.Marshal(params)
	}
	files, err := readSent(ctx, p.DataPaths())
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(p.Sent(files))
	if err != nil {
		return nil, err
	}
	// Room for the rest of the request (kind, settings).
	if len(b) > server.MaxRunBody-64<<10 {
		return nil, usageErr("the task file and its data files come to %d bytes as JSON, over the %d a service takes with a run: start the service with --allow-dir naming their directory, and give it the data there", len(b), server.MaxRunBody)
	}
	return b, nil
}

// readSent reads the data files to send, by the name the task file gives
// them. They go as JSON text, so each must be UTF-8.
func readSent(ctx context.Context, paths map[string]string) (map[string]string, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	names := make([]string, 0, len(paths))
	for name := range paths {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make(map[string]string, len(paths))
	for _, name := range names {
		b, err := fileio.ReadCapped(ctx, paths[name], int64(server.MaxRunBody))
		if err != nil {
			return nil, usageErr("data file %s (read here, on the client): %v", name, err)
		}
		if !utf8.Valid(b) {
			return nil, usageErr("data file %s (read here, on the client) is not UTF-8 text, which is all a service can be sent", name)
		}
		out[name] = string(b)
	}
	return out, nil
}

// onClient says of an error reading a task file for maker submit that it
// was read here, on the client, not on the service.
func onClient(ctx context.Context, err error) error {
	if submitTo(ctx) == nil {
		return err
	}
	return usageErr("%v (read here, on the client, which sends the task file and the data files it names to the service)", err)
}
