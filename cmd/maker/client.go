package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/maker-go/maker/server"
)

// clientFlags are the flags of a command that talks to a maker service
// instead of the local journal.
type clientFlags struct {
	server   string
	tokenEnv string
}

func (c *clientFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&c.server, "server", "", "URL of a maker service (maker serve) to ask instead of the local journal")
	fs.StringVar(&c.tokenEnv, "token-env", "MAKER_TOKEN", "environment variable holding the service's bearer token (used when set)")
}

// client is the service client, or nil without --server.
func (c *clientFlags) client() *server.Client {
	if c.server == "" {
		return nil
	}
	return &server.Client{Base: c.server, Token: os.Getenv(c.tokenEnv),
		TokenFrom: fmt.Sprintf("$%s (--token-env names another variable)", c.tokenEnv)}
}

// submitKey carries, in a command's context, the service a task command
// submits its run to instead of running it (maker submit).
type submitKey struct{}

func withSubmit(ctx context.Context, c *server.Client) context.Context {
	return context.WithValue(ctx, submitKey{}, c)
}

func submitTo(ctx context.Context) *server.Client {
	c, _ := ctx.Value(submitKey{}).(*server.Client)
	return c
}

// clientErr gives a service's answer its exit code: the request's fault
// (a bad description, an unknown run, a state that forbids it) is usage.
func clientErr(err error) error {
	var ae *server.APIError
	if errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500 {
		return &exitError{Code: exitUsage, Err: err}
	}
	return err
}
