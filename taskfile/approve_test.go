package taskfile

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExecuteApprove(t *testing.T) {
	base := fmt.Sprintf(sumTask, "[{n: 1}]") + "execute: {command: [sh]%s}\n"
	for _, tc := range []struct {
		name, fields string
		approve      bool
		timeout      time.Duration
		deflt        string
		err          string // after "task.yaml:11: "
	}{
		{"none", "", false, 0, "reject", ""},
		{"on", ", approve: true", true, 0, "reject", ""},
		{"off", ", approve: false", false, 0, "reject", ""},
		{"timeout", ", approve: true, approve_timeout: 30m", true, 30 * time.Minute, "reject", ""},
		{"default approve", ", approve: true, approve_timeout: 1h, approve_default: approve", true, time.Hour, "approve", ""},
		{"not a bool", ", approve: yes", false, 0, "", "execute.approve: want true or false"},
		{"bad timeout", ", approve: true, approve_timeout: soon", false, 0, "", "execute.approve_timeout: want a positive duration"},
		{"timeout without approve", ", approve_timeout: 1m", false, 0, "", "execute.approve_timeout: applies only with approve: true"},
		{"bad default", ", approve: true, approve_timeout: 1m, approve_default: maybe", false, 0, "", "execute.approve_default: want approve or reject"},
		{"default without timeout", ", approve: true, approve_default: approve", false, 0, "", "execute.approve_default: is the answer a timeout gives"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			task, err := Parse(filepath.Join(dir, "task.yaml"), fmt.Sprintf(base, tc.fields))
			if tc.err != "" {
				var fe *Error
				want := filepath.Join(dir, "task.yaml") + ":11: " + tc.err
				if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), want) {
					t.Fatalf("err %v, want %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			on, timeout, deflt := task.Approval()
			if on != tc.approve || timeout != tc.timeout || (on && deflt != tc.deflt) {
				t.Fatalf("Approval() = %v, %v, %q", on, timeout, deflt)
			}
		})
	}
}
