package taskfile

import "fmt"

// Error is a problem in a task file, located by line and field so the
// message alone says what to fix.
type Error struct {
	File  string // the file name as given to Load or Parse
	Line  int    // 1-based; 0 when the problem has no single line
	Field string // dotted path of the field, such as "answer.regex" or "expected[3].state"
	Msg   string
}

// Error renders file:line: field: message, the way compilers report.
func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Field == "" {
		return loc + ": " + e.Msg
	}
	return loc + ": " + e.Field + ": " + e.Msg
}
