package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// docCommand is one `maker ...` line of a ```sh block in the docs.
type docCommand struct {
	file    string
	line    int
	args    []string
	exit    int  // expected exit code, from a preceding "# exit N" line
	needKey bool // preceded by "# needs-key" or "# no-run": flags checked, not run
}

// TestDocCommandsRun runs every `maker ...` command in the guides' ```sh
// blocks in-process, from the repository root, and checks its exit code, so
// the guides cannot drift from the tool. A command that needs a real
// provider is marked in its block with a "# needs-key" line before it (and
// one too slow for a test with "# no-run"): its flags are still checked, with
// --help, but it does not run. "# exit N" before a command expects exit
// code N.
func TestDocCommandsRun(t *testing.T) {
	// Run from a scratch directory that sees the repository's examples and
	// docs, so that files the commands write (reports, databases, exports)
	// and the default journal land in the test's temporary space.
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	scratch := t.TempDir()
	for _, dir := range []string{"examples", "docs", ".claude", "README.md"} {
		if err := os.Symlink(filepath.Join(root, dir), filepath.Join(scratch, dir)); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("XDG_DATA_HOME", filepath.Join(scratch, "data"))
	t.Setenv("XDG_CACHE_HOME", filepath.Join(scratch, "cache"))
	t.Chdir(scratch)
	var files []string
	for _, pat := range []string{"README.md", "docs/*.md", "examples/*/README.md", ".claude/skills/*/SKILL.md"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	var cmds []docCommand
	for _, f := range files {
		c, err := extractCommands(f)
		if err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, c...)
	}
	if len(cmds) < 10 {
		t.Fatalf("found %d documented commands in %d files; the extraction is broken", len(cmds), len(files))
	}
	known := map[string]bool{}
	quiet := map[string]bool{} // commands that take --quiet
	for _, c := range newRoot(nil, nil).Commands() {
		known[c.Name()] = true
		quiet[c.Name()] = c.Flags().Lookup("quiet") != nil
	}
	for _, c := range cmds {
		name := fmt.Sprintf("%s:%d:%s", c.file, c.line, strings.Join(c.args, "_"))
		t.Run(name, func(t *testing.T) {
			if len(c.args) == 0 {
				t.Fatal("empty command")
			}
			if !known[c.args[0]] {
				t.Fatalf("maker %s: no such command", c.args[0])
			}
			// A command that names a real provider or an endpoint only has
			// its flags checked: a test reaches no network beyond what it
			// starts on loopback itself.
			if c.needKey || namesProvider(c.args) {
				// Check that the flags parse without running against a
				// provider: --help stops before the command runs.
				args := append(append([]string{}, c.args...), "--help")
				var out, errb bytes.Buffer
				if code := run(context.Background(), args, &out, &errb); code != 0 {
					t.Fatalf("maker %s --help: exit %d: %s", strings.Join(c.args, " "), code, errb.String())
				}
				return
			}
			args := c.args
			if !hasFlag(args, "--json") && !hasFlag(args, "--help") && quiet[args[0]] {
				args = append(append([]string{}, args...), "--quiet")
			}
			var out, errb bytes.Buffer
			code := run(context.Background(), args, &out, &errb)
			if code != c.exit {
				t.Fatalf("maker %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(c.args, " "), code, c.exit, out.String(), errb.String())
			}
		})
	}
}

func hasFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == flag || strings.HasPrefix(a, flag+"=") {
			return true
		}
	}
	return false
}

// extractCommands reads the `maker ...` lines of the ```sh blocks of a
// Markdown file, joining lines continued with a backslash.
func extractCommands(path string) ([]docCommand, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []docCommand
	inSh := false
	exit, needKey := 0, false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "```"):
			inSh = !inSh && (line == "```sh" || line == "```bash" || line == "```shell")
			exit, needKey = 0, false
			continue
		case !inSh:
			continue
		case line == "# needs-key" || strings.HasPrefix(line, "# needs-key ") || line == "# no-run" || strings.HasPrefix(line, "# no-run "):
			needKey = true
			continue
		case strings.HasPrefix(line, "# exit "):
			if exit, err = strconv.Atoi(strings.TrimPrefix(line, "# exit ")); err != nil {
				return nil, fmt.Errorf("%s:%d: bad exit marker: %v", path, n, err)
			}
			continue
		}
		rest, ok := makerArgs(line)
		if !ok {
			continue
		}
		line = rest
		start := n
		for strings.HasSuffix(line, `\`) && sc.Scan() {
			n++
			line = strings.TrimSuffix(line, `\`) + " " + strings.TrimSpace(sc.Text())
		}
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i] // a trailing comment
		}
		args, err := splitArgs(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, start, err)
		}
		out = append(out, docCommand{file: path, line: start, args: args, exit: exit, needKey: needKey})
		exit, needKey = 0, false
	}
	return out, sc.Err()
}

// makerArgs returns the arguments of a documented maker invocation, written
// either as "maker ARGS" or, in the quick start, as "go run ./cmd/maker ARGS".
func makerArgs(line string) (string, bool) {
	for _, prefix := range []string{"maker ", "go run ./cmd/maker "} {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			return rest, true
		}
	}
	return "", false
}

// splitArgs splits a command line the way a POSIX shell would for the
// simple cases the docs use: blanks separate words, and single or double
// quotes group them.
func splitArgs(s string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				args = append(args, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unclosed quote in %q", s)
	}
	if inWord {
		args = append(args, cur.String())
	}
	return args, nil
}

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"run a.yaml --k 3", []string{"run", "a.yaml", "--k", "3"}},
		{`sudoku --puzzle "53.. 7"`, []string{"sudoku", "--puzzle", "53.. 7"}},
		{`x  'a b'c`, []string{"x", "a bc"}},
	}
	for _, tc := range tests {
		got, err := splitArgs(tc.in)
		if err != nil || strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("splitArgs(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := splitArgs(`a "b`); err == nil {
		t.Error("unclosed quote accepted")
	}
}

// namesProvider reports whether a documented command would call a real
// provider: a --model other than the simulator, or any --base-url.
func namesProvider(args []string) bool {
	for i, a := range args {
		v, isModel := strings.CutPrefix(a, "--model=")
		if a == "--model" && i+1 < len(args) {
			v, isModel = args[i+1], true
		}
		if isModel && v != "sim" && !strings.HasPrefix(v, "sim/") {
			return true
		}
		if a == "--base-url" || strings.HasPrefix(a, "--base-url=") {
			return true
		}
	}
	return false
}

// TestReadmeIsTheFrontPage keeps README.md a front page whose every word is
// checked: it stays short (details belong in docs/), every command it shows
// is run (maker commands by TestDocCommandsRun, any other one, such as the
// test command of the quick start, by .ci/run), and its command table lists
// every command of the binary.
func TestReadmeIsTheFrontPage(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	const maxLines = 160
	if n := bytes.Count(readme, []byte("\n")); n > maxLines {
		t.Errorf("README.md has %d lines, more than %d: move the details into docs/", n, maxLines)
	}
	ciLines := map[string]bool{}
	for _, l := range strings.Split(string(ci), "\n") {
		ciLines[strings.TrimSpace(l)] = true
	}
	for _, l := range shellLines(string(readme)) {
		if _, ok := makerArgs(l.text); ok {
			continue
		}
		if !ciLines[l.text] {
			t.Errorf("README.md:%d: %q is run by neither the docs test nor .ci/run", l.n, l.text)
		}
	}
	for _, c := range newRoot(nil, nil).Commands() {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if !bytes.Contains(readme, []byte("| `maker "+c.Name()+"` |")) {
			t.Errorf("README.md's command table lacks maker %s", c.Name())
		}
	}
}

type numberedLine struct {
	n    int
	text string
}

// shellLines returns the commands of a Markdown text's ```sh blocks: every
// line that is neither blank nor a comment.
func shellLines(md string) []numberedLine {
	var out []numberedLine
	inSh := false
	for i, l := range strings.Split(md, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "```"):
			inSh = !inSh && (l == "```sh" || l == "```bash" || l == "```shell")
		case inSh && l != "" && !strings.HasPrefix(l, "#"):
			out = append(out, numberedLine{i + 1, l})
		}
	}
	return out
}
