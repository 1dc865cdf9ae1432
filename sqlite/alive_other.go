//go:build !unix

package sqlite

import "os"

// alive reports whether a process with this pid exists on this machine.
func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
