package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// realInstanceFlags choose the instance of a scenario that acts on a real
// system (a test suite, a fleet): generated at --size from
// --instance-seed, or read from --instance; --write-instance writes it out
// and exits, to edit or to rerun.
type realInstanceFlags struct {
	size    int
	seed    uint64
	file    string
	writeTo string
}

// register adds the flags; sizeHelp says what --size counts and its
// range, what names the instance in the other flags' help ("suite").
func (r *realInstanceFlags) register(fs *pflag.FlagSet, defSize int, sizeHelp, what string) {
	fs.IntVar(&r.size, "size", defSize, sizeHelp)
	fs.Uint64Var(&r.seed, "instance-seed", 1, "seed of the generated "+what)
	fs.StringVar(&r.file, "instance", "", "read the "+what+" from this JSON file")
	fs.StringVar(&r.writeTo, "write-instance", "", "write the "+what+" to this JSON file and exit")
}

// realInstance reads --instance or generates the instance; giving both
// --instance and --size is a usage error, as is a bad file or size.
func realInstance[I any](cmd *cobra.Command, r *realInstanceFlags, load func(string) (I, error), generate func(seed uint64, size int) (I, error)) (I, error) {
	var zero I
	switch {
	case r.file != "" && cmd.Flags().Changed("size"):
		return zero, usageErr("give --size or --instance, not both")
	case r.file != "":
		in, err := load(r.file)
		if err != nil {
			return zero, usageErr("%v", err)
		}
		return in, nil
	default:
		in, err := generate(r.seed, r.size)
		if err != nil {
			return zero, usageErr("%v", err)
		}
		return in, nil
	}
}

// write writes v to --write-instance, when given, and says so with what it
// holds; written reports that the command is done.
func (r *realInstanceFlags) write(cmd *cobra.Command, v any, holds string) (written bool, err error) {
	if r.writeTo == "" {
		return false, nil
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	if err := os.WriteFile(r.writeTo, append(b, '\n'), 0o644); err != nil {
		return true, usageErr("%v", err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%s)\n", r.writeTo, holds)
	return true, nil
}
