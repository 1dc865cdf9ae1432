// Package pgerr makes PostgreSQL errors fit to show: pgx lists each
// address it tried on a line of its own, and a server or driver message
// may quote the connection's password. Both the journal (package postgres)
// and the fleet (package fleet) show their errors through it.
package pgerr

import "strings"

// Clean returns err with its text on one line and secret, when not empty,
// cut out; errors.Is and errors.As still see what it wraps. An error whose
// text needs no cleaning is returned as it is, nil as nil.
func Clean(err error, secret string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if secret != "" {
		msg = strings.ReplaceAll(msg, secret, "[redacted]")
	}
	msg = strings.ReplaceAll(strings.ReplaceAll(msg, ":\n\t", ": "), "\n\t", "; ")
	if msg == err.Error() {
		return err
	}
	return &cleaned{msg: msg, err: err}
}

// cleaned is an error whose text is cleaned for a user.
type cleaned struct {
	msg string
	err error
}

func (e *cleaned) Error() string { return e.msg }
func (e *cleaned) Unwrap() error { return e.err }
