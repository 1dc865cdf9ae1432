package taskfile

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A task file a server receives from a client ([Options.NoFiles]) names
// its data files by the names the client sent them under
// ([Options.Files]): nothing is looked up on the server. A path that is
// not among them is looked up on the server only inside a directory its
// operator allowed ([Options.AllowDirs], maker serve --allow-dir), after
// it is cleaned, made absolute and its symbolic links resolved; programs
// (execute) likewise. Every refusal comes before anything is opened, and
// says on which side the path was looked up, never what a file holds.

// AllowDir is dir as [Options.AllowDirs] wants it: absolute, with its
// symbolic links resolved. It must be a directory.
func AllowDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(real)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return "", fmt.Errorf("%s is not a directory", dir)
	}
	return real, nil
}

// errOutside is a path that is not inside an allowed directory: the
// message says no more, not even whether the path exists.
var errOutside = errors.New("is looked up on the server that reads this task file, outside the directories it allows (maker serve --allow-dir), which is not allowed here")

// confine places path p (already resolved against the task file) inside
// an allowed directory, or refuses it with errOutside. The path returned
// has no symbolic link left, so what is opened is what was checked.
func (d *decoder) confine(p string) (string, error) {
	if len(d.opts.AllowDirs) == 0 {
		return "", errOutside
	}
	abs, err := filepath.Abs(filepath.Clean(p))
	if err != nil {
		return "", errOutside
	}
	// Before the links are resolved, so that a path outside every allowed
	// directory is refused without being looked up.
	if !d.allowed(abs) {
		return "", errOutside
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("is not found on the server, in the directories it allows")
		}
		return "", errOutside
	}
	if !d.allowed(real) {
		return "", errOutside
	}
	return real, nil
}

// allowed reports whether the absolute path p is inside (or is) one of
// the allowed directories.
func (d *decoder) allowed(p string) bool {
	for _, dir := range d.opts.AllowDirs {
		rel, err := filepath.Rel(dir, p)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			return true
		}
	}
	return false
}

// sentSource is a data file sent with the task file ([Options.Files]).
func sentSource(name, format string, data []byte) *source {
	if data == nil {
		data = []byte{}
	}
	return &source{name: name, path: name, data: data, format: format}
}

// clientSource is the data file a client's task file names that was not
// sent with it: only inside an allowed directory.
func (d *decoder) clientSource(at *yaml.Node, field, name, format, instead string) (*source, error) {
	if len(d.opts.AllowDirs) == 0 {
		return nil, d.errf(at, field, "%s is a path, looked up on the server that reads this task file, which is not allowed here: send the file with the task file (maker submit does), or %s", quote(name), instead)
	}
	p, err := d.confine(resolve(d.file, name))
	if err != nil {
		return nil, d.errf(at, field, "%s was not sent with the task file, and %v: send it with the task file (maker submit does), or %s", quote(name), err, instead)
	}
	return &source{name: name, path: p, format: format}, nil
}

// clientProgram is where the program of a client's task file is: a name
// with a slash from the task file's directory, a bare name from PATH, and
// either only inside an allowed directory.
func (d *decoder) clientProgram(prog string) (string, error) {
	var p string
	if strings.ContainsRune(prog, filepath.Separator) || strings.ContainsRune(prog, '/') {
		p = resolve(d.file, prog)
	} else {
		found, err := exec.LookPath(prog)
		if err != nil {
			return "", fmt.Errorf("%q is not found in the server's PATH or not executable", prog)
		}
		p = found
	}
	real, err := d.confine(p)
	if err != nil {
		return "", fmt.Errorf("the program %q %v", prog, err)
	}
	if err := executable(real); err != nil {
		return "", err
	}
	return real, nil
}

// DataPaths are the data files the task reads, by the name the task file
// gives them, with where they were read: what a client sends with the
// task file ([Options.Files]).
func (t *Task) DataPaths() map[string]string {
	out := map[string]string{}
	if t.in != nil && t.in.src != nil {
		out[t.in.src.name] = t.in.src.path
	}
	if t.expFile != nil {
		out[t.expFile.src.name] = t.expFile.src.path
	}
	return out
}
