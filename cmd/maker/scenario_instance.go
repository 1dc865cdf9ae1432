package main

import (
	"bytes"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/maker-go/maker/internal/fileio"
	"github.com/maker-go/maker/scenario"
)

// instanceFlags choose the instance every scenario runs: generated at
// --size from --instance-seed, or read from --instance. --save-instance
// writes the instance the run uses to a file and the run goes on, so it can
// be edited or rerun. --write-instance, the older name, writes the file and
// stops; it is kept working with a deprecation message.
type instanceFlags struct {
	size      int
	seed      uint64
	file      string
	save      string
	writeOnly string
}

// register adds the flags; sizeHelp says what --size counts and its range,
// what names the instance in the other flags' help ("suite", "graph").
func (f *instanceFlags) register(fs *pflag.FlagSet, defSize int, sizeHelp, what string) {
	fs.IntVar(&f.size, "size", defSize, sizeHelp)
	fs.Uint64Var(&f.seed, "instance-seed", 1, "seed of the generated "+what)
	fs.StringVar(&f.file, "instance", "", "read the "+what+" from this JSON file instead of generating one")
	fs.StringVar(&f.save, "save-instance", "", "write the "+what+" the run uses to this JSON file, then run it")
	fs.StringVar(&f.writeOnly, "write-instance", "", "deprecated: use --save-instance")
	_ = fs.MarkHidden("write-instance")
}

// fromFileOnly rejects the generator's flags next to --instance, which
// would otherwise be silently ignored.
func (f *instanceFlags) fromFileOnly(cmd *cobra.Command) error {
	if f.file != "" && (cmd.Flags().Changed("size") || cmd.Flags().Changed("instance-seed")) {
		return usageErr("--instance reads a file: --size and --instance-seed do not apply")
	}
	return nil
}

// scenarioInstance is the instance a scenario runs: read from --instance
// (strictly, see [scenario.Load]) or generated at --size from
// --instance-seed. Bad flags, files and sizes are usage errors.
func scenarioInstance[I any](cmd *cobra.Command, f *instanceFlags, load func(string) (I, error), generate func(int, uint64) (I, error)) (I, error) {
	var zero I
	if f.writeOnly != "" {
		if f.save != "" {
			return zero, usageErr("give --save-instance only (--write-instance is its deprecated name)")
		}
		fmt.Fprintln(cmd.ErrOrStderr(), "maker: --write-instance is deprecated: use --save-instance FILE, which writes the instance and then runs it")
	}
	if err := f.fromFileOnly(cmd); err != nil {
		return zero, err
	}
	if f.file != "" {
		in, err := load(f.file)
		if err != nil {
			return zero, usageErr("%v", err)
		}
		return in, nil
	}
	in, err := generate(f.size, f.seed)
	if err != nil {
		return zero, usageErr("--size: %v", err)
	}
	return in, nil
}

// saveInstance writes v, the instance the run uses, to --save-instance when
// given, and the run goes on. With the deprecated --write-instance it
// writes the file, says so with what it holds, and stop is true: the
// command is done.
func (f *instanceFlags) saveInstance(cmd *cobra.Command, v any, holds string) (stop bool, err error) {
	path, flag := f.save, "--save-instance"
	if f.writeOnly != "" {
		path, flag = f.writeOnly, "--write-instance"
	}
	if path == "" {
		return false, nil
	}
	var b bytes.Buffer
	if err := scenario.Encode(&b, v); err != nil {
		return true, fmt.Errorf("%s: %w", flag, err)
	}
	if err := fileio.WriteFile(path, b.Bytes()); err != nil {
		return true, usageErr("%s: %v", flag, err)
	}
	if f.writeOnly == "" {
		return false, nil
	}
	fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%s)\n", path, holds)
	return true, nil
}
