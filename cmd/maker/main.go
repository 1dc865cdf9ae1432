// Command maker runs long LLM tasks with zero errors: maximal decomposition,
// first-to-ahead-by-k voting and red-flagging (the MAKER method). It runs on
// the built-in simulated model by default and on real providers by name.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker/runs"
)

// Exit codes (see [runs.ExitError]).
const (
	exitOK          = 0
	exitFailed      = runs.ExitFailed
	exitUsage       = runs.ExitUsage
	exitBudget      = runs.ExitBudget
	exitOutput      = runs.ExitOutput
	exitInterrupted = runs.ExitInterrupted
)

type exitError = runs.ExitError

func plural(n int, one, many string) string { return runs.Plural(n, one, many) }

// usageErr marks bad input: exit code 2.
func usageErr(format string, args ...any) error { return runs.UsageErr(format, args...) }

// Command groups of maker --help.
const (
	groupTasks    = "tasks"
	groupJournal  = "journal"
	groupPlanning = "planning"
	groupTools    = "tools"
	groupService  = "service"
)

// newRoot builds the command tree. It is the one list of maker's commands:
// a new command is added here, to its group.
func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "maker",
		Short:         "Run very long LLM tasks with zero errors (MAKER: decomposition, voting, red flags)",
		Long:          "maker decides a long task one step per model call, votes on every step until one answer\nis k votes ahead, and discards suspicious answers before they vote. It runs on the\nbuilt-in simulated model (sim) unless --model names a real one.\n\nExit status: 0 success, 1 a wrong or undecided step, 2 bad usage, 3 a budget\nreached, 4 the task succeeded but a file it writes (report, export) could not be\nwritten, 130 interrupted (SIGINT or SIGTERM).",
		Version:       runs.Version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	addTelemetry(root)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{Code: exitUsage, Err: fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())}
	})
	root.AddGroup(
		&cobra.Group{ID: groupTasks, Title: "Tasks:"},
		&cobra.Group{ID: groupJournal, Title: "Journal:"},
		&cobra.Group{ID: groupPlanning, Title: "Planning:"},
		&cobra.Group{ID: groupService, Title: "Service:"},
		&cobra.Group{ID: groupTools, Title: "Tools:"},
	)
	add := func(group string, cmds ...*cobra.Command) {
		for _, c := range cmds {
			c.GroupID = group
			root.AddCommand(c)
		}
	}
	add(groupTasks, newHanoiCmd(), newCubeCmd(), newSudokuCmd(), newRequirementsCmd(), newRunCmd(), newScenarioCmd())
	add(groupJournal, newRunsCmd(), newShowCmd(), newResumeCmd(), newReplayCmd(), newReportCmd(), newCacheCmd())
	add(groupPlanning, newPlanCmd(), newCalibrateCmd())
	add(groupService, newServeCmd(), newWorkerCmd(), newSubmitCmd(), newWatchCmd(), newCancelCmd(), newApproveCmd(), newRejectCmd(), newMCPCmd())
	add(groupTools, newModelsCmd(), newSimCmd())
	root.SetHelpCommandGroupID(groupTools)
	root.SetCompletionCommandGroupID(groupTools)
	return root
}

// run executes the command line and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	flushTelemetry()
	if err == nil {
		return exitOK
	}
	msg := err.Error()
	if ctx.Err() != nil && msg == context.Canceled.Error() {
		msg = "interrupted" // a command stopped with nothing more to say
	}
	fmt.Fprintln(stderr, "maker:", msg)
	if ctx.Err() != nil {
		// Whatever failed, it failed because the command was stopped.
		return exitInterrupted
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	// Cobra's own argument errors (unknown command, wrong arguments) are usage.
	return exitUsage
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
