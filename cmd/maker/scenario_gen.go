package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/maker-go/maker/scenario/scenutil"
)

// genInstanceFlags choose a scenario instance: generated at --size from
// --instance-seed, or read from --instance. --save-instance writes the
// generated one out, to edit or to rerun.
type genInstanceFlags struct {
	size     int
	seed     uint64
	instance string
	save     string
}

func (g *genInstanceFlags) register(fs *pflag.FlagSet, defSize, largeSize int, unit string) {
	fs.IntVar(&g.size, "size", defSize, fmt.Sprintf("number of %s to generate (a long run: %d)", unit, largeSize))
	fs.Uint64Var(&g.seed, "instance-seed", 1, "seed of the generated instance")
	fs.StringVar(&g.instance, "instance", "", "read the instance from this JSON file instead of generating one")
	fs.StringVar(&g.save, "save-instance", "", "write the generated instance to this JSON file")
}

// check rejects flag combinations that would silently ignore one of them.
func (g *genInstanceFlags) check(cmd *cobra.Command) error {
	if g.instance != "" && (cmd.Flags().Changed("size") || cmd.Flags().Changed("instance-seed")) {
		return usageErr("--instance reads a file: --size and --instance-seed do not apply")
	}
	if g.instance != "" && g.save != "" {
		return usageErr("--save-instance writes a generated instance: not with --instance")
	}
	return nil
}

// saveInstance writes v to --save-instance, when given.
func (g *genInstanceFlags) saveInstance(v any) error {
	if g.save == "" {
		return nil
	}
	f, err := os.Create(g.save)
	if err != nil {
		return usageErr("--save-instance: %v", err)
	}
	if err := scenutil.Encode(f, v); err != nil {
		f.Close()
		return usageErr("--save-instance: %v", err)
	}
	if err := f.Close(); err != nil {
		return usageErr("--save-instance: %v", err)
	}
	return nil
}

// scenarioListHead shows the first n items of a long list and how many follow.
func scenarioListHead(items []string, n int) string {
	if len(items) <= n {
		return scenutil.FormatList(items)
	}
	return fmt.Sprintf("%s ... and %d more", scenutil.FormatList(items[:n]), len(items)-n)
}

// generatedInstance is the instance a scenario runs: read from --instance,
// or generated at --size from --instance-seed and written to
// --save-instance when that is given. Bad flags, files and sizes are usage
// errors.
func generatedInstance[I any](cmd *cobra.Command, gen *genInstanceFlags, load func(string) (I, error), generate func(int, uint64) (I, error)) (I, error) {
	var zero I
	if err := gen.check(cmd); err != nil {
		return zero, err
	}
	if gen.instance != "" {
		in, err := load(gen.instance)
		if err != nil {
			return zero, usageErr("%v", err)
		}
		return in, nil
	}
	in, err := generate(gen.size, gen.seed)
	if err != nil {
		return zero, usageErr("--size: %v", err)
	}
	if err := gen.saveInstance(in); err != nil {
		return zero, err
	}
	return in, nil
}
