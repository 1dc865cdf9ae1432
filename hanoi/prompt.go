package hanoi

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"text/template"

	"github.com/maker-go/maker/internal/fieldtmpl"
	"github.com/maker-go/maker/internal/fileio"
)

// systemPrompt is fixed for a run, so providers can cache it. It carries
// what the paper's prompt carries, in our own words: the puzzle, its rules,
// a worked example and the exact answer format.
const systemPrompt = `You are solving the Tower of Hanoi puzzle one move at a time.

There are three pegs, numbered 0, 1 and 2 from left to right, and n disks of
different sizes, numbered 1 (smallest) to n (largest). A state lists the three
pegs, each from bottom to top. At the start every disk is on peg 0; the goal
is to have every disk on peg 2.

The rules:
1. Move exactly one disk per move.
2. A move takes the top disk of one peg and puts it on top of another peg.
3. Never put a larger disk on a smaller one.

Example with 3 disks: the start is [[3, 2, 1], [], []], and the move
[1, 0, 2] (disk 1 from peg 0 to peg 2) leads to [[3, 2], [], [1]].

Answer with the single next move and the state it leads to, written exactly
like this on their own lines:
move = [disk, from peg, to peg]
next_state = [[...], [...], [...]]`

// DefaultUserTemplate is the user prompt: the strategy, the previous move
// and the current state. A replacement given with --prompt-file is a Go
// text/template with the same fields: {{.Prev}}, {{.State}}, {{.Disks}},
// {{.Order}} (the clockwise peg order) and {{.Step}} (1-based), and
// {{if .Field}}...{{else}}...{{end}} on them; see [ParseTemplate].
const DefaultUserTemplate = `Follow this procedure exactly:
- If the previous move did not move disk 1, move disk 1 one peg clockwise, where clockwise means {{.Order}}.
- If the previous move did move disk 1, make the only legal move that does not move disk 1.

Previous move: {{.Prev}}
Current state: {{.State}}

Find the single next move that follows the procedure, and the state after it.
Finish your answer with:
move = [disk, from peg, to peg]
next_state = [[...], [...], [...]]`

// noPrev is how the prompt shows the previous move before the first step.
const noPrev = "none (this is the first move)"

// promptData is what a user template sees.
type promptData struct {
	Prev  string
	State string
	Disks int
	Order string
	Step  int
}

// LoadTemplate reads a user-prompt template from a file (at most
// [fileio.MaxPromptFile], 1 MiB; reading stops when ctx is done) and checks
// that it renders and names both the previous move and the state.
func LoadTemplate(ctx context.Context, path string) (*template.Template, error) {
	b, err := fileio.ReadCapped(ctx, path, fileio.MaxPromptFile)
	if err != nil {
		return nil, fmt.Errorf("prompt file: %w", err)
	}
	return ParseTemplate(path, string(b))
}

// ParseTemplate parses a user-prompt template (see [DefaultUserTemplate]).
// Besides text it admits only the fields of the prompt, {{.Prev}},
// {{.State}}, {{.Disks}}, {{.Order}} and {{.Step}}, and {{if}} on one of
// them, with {{else}} and {{else if}}. That subset renders at every step
// once it renders at one: no function can fail on a later step's values
// (an index past the end of the previous move), and no range or nested
// template can loop for hours or render gigabytes.
func ParseTemplate(name, text string) (*template.Template, error) {
	t, err := fieldtmpl.Parse(name, text, promptFields...)
	if err != nil {
		return nil, fmt.Errorf("prompt template %s: %w", name, err)
	}
	for _, field := range []string{".Prev", ".State"} {
		if !strings.Contains(text, field) {
			return nil, fmt.Errorf("prompt template %s: it must use {{%s}}", name, field)
		}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, promptData{Prev: noPrev, State: Start(3).String(), Disks: 3, Order: orderText(3), Step: 1}); err != nil {
		return nil, fmt.Errorf("prompt template %s: %w", name, err)
	}
	return t, nil
}

// promptFields are the fields of promptData a template may name.
var promptFields = []fieldtmpl.Field{{Name: "Prev"}, {Name: "State"}, {Name: "Disks"}, {Name: "Order"}, {Name: "Step"}}

func orderText(n int) string {
	if n%2 == 0 {
		return "0 -> 1 -> 2 -> 0"
	}
	return "0 -> 2 -> 1 -> 0"
}

// defaultParts is the default template's text around its three fields
// (the order, the previous move and the state), for defaultPrompt.
var defaultParts = func() [4]string {
	const order, prev, state = "\x00order\x00", "\x00prev\x00", "\x00state\x00"
	var b strings.Builder
	if err := defaultUser.Execute(&b, promptData{Prev: prev, State: state, Order: order}); err != nil {
		panic(err)
	}
	var p [4]string
	rest := b.String()
	p[0], rest, _ = strings.Cut(rest, order)
	p[1], rest, _ = strings.Cut(rest, prev)
	p[2], p[3], _ = strings.Cut(rest, state)
	if strings.Contains(p[0]+p[1]+p[2]+p[3], "\x00") {
		panic("hanoi: the default template's fields are not in the expected order")
	}
	return p
}()

// defaultPrompt renders DefaultUserTemplate without the template engine,
// which is most of the cost of a prompt on a long run.
func defaultPrompt(prev, state string, n int) string {
	order := orderText(n)
	var b strings.Builder
	b.Grow(len(defaultParts[0]) + len(defaultParts[1]) + len(defaultParts[2]) + len(defaultParts[3]) + len(order) + len(prev) + len(state))
	b.WriteString(defaultParts[0])
	b.WriteString(order)
	b.WriteString(defaultParts[1])
	b.WriteString(prev)
	b.WriteString(defaultParts[2])
	b.WriteString(state)
	b.WriteString(defaultParts[3])
	return b.String()
}
