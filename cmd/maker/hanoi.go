package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/internal/fileio"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/tasks"
)

func newHanoiCmd() *cobra.Command {
	var (
		f          runs.Flags
		disks      int
		classic    bool
		promptFile string
		rules      bool
	)
	cmd := &cobra.Command{
		Use:   "hanoi",
		Short: "Solve Towers of Hanoi one voted model call per move",
		Long: `Solve Towers of Hanoi with n disks (2^n-1 moves), one model call per move. The model
returns each move and the state it leads to; votes decide the pair. After the run
every decided move is checked against the rules and the optimal solution.

Exit status: 0 solved, 1 a wrong or undecided step, 2 bad usage, 3 budget reached.`,
		Example: `  maker hanoi --disks 10
  maker hanoi --disks 20 --model sim --json
  maker hanoi --classic --disks 4
  maker hanoi --disks 8 --model openai/gpt-4.1-mini --k 3
  maker hanoi --disks 10 --model local/h128s1c,local/h128s2c --rules --prompt-file models/hanoitiny/prompt.tmpl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if disks < 1 || disks > hanoi.MaxDisks {
				return usageErr("--disks must be between 1 and %d, got %d", hanoi.MaxDisks, disks)
			}
			if classic {
				var b strings.Builder
				for m := range hanoi.Solution(disks) {
					b.WriteString(m.String())
					b.WriteByte('\n')
				}
				_, err := fmt.Fprint(cmd.OutOrStdout(), b.String())
				return err
			}
			p := tasks.Hanoi{Disks: disks, Rules: rules}
			if promptFile != "" {
				b, err := fileio.ReadCapped(cmd.Context(), promptFile, fileio.MaxPromptFile)
				if err != nil {
					return usageErr("prompt file: %v", err)
				}
				p.Prompt = string(b)
			}
			return runTask(cmd, &f, "hanoi", p)
		},
	}
	cmd.Flags().IntVar(&disks, "disks", 10, "number of disks (steps: 2^disks-1)")
	cmd.Flags().BoolVar(&classic, "classic", false, "print the optimal moves with no model at all")
	cmd.Flags().StringVar(&promptFile, "prompt-file", "", "user-prompt template (Go text/template with {{.Prev}} and {{.State}})")
	cmd.Flags().BoolVar(&rules, "rules", false, "red-flag answers that break the game's rules (an illegal move, or a next state the move does not lead to) before they vote")
	f.Register(cmd.Flags())
	return cmd
}
