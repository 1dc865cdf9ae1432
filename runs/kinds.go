package runs

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/maker-go/maker/internal/strictjson"
)

// Kind is one task kind as every front end knows it: the command line's
// help, the API's document, the MCP tools and the journal. Task kinds are
// registered once, by package tasks (the way database/sql drivers are),
// so that this package names no task and every front end reads one list.
type Kind struct {
	// Name is the kind as the journal records it, e.g. "scenario-deps".
	Name string
	// Command is the command line's command that runs it, e.g.
	// "scenario deps".
	Command string
	// Summary says in one line what a run of the kind does.
	Summary string
	// Params is a pointer to the zero value of the kind's params struct:
	// a client's params are read strictly into it, and its JSON schema is
	// the kind's.
	Params any
	// Example is a documented params object beyond {}.
	Example json.RawMessage
	// Prepare turns a client's params into those the journal keeps: it
	// fills in what the kind's command does with no flags (so {} runs
	// like the bare command), checks every field, and may read the run's
	// settings (a generated puzzle's seed). The params are already read
	// into a fresh copy of Params; an error names the field as
	// "params.NAME: ...".
	Prepare func(params any, s Settings) error
	// World is how a resumed run of the kind finds the world its actions
	// act on again: replayed from the journal, kept as it is, or none.
	World World
	// Open builds the kind's task from the params the journal keeps (see
	// [Opener]): for a new run, a resume, a service's run or a fleet's
	// chunk alike. A kind with none is known to front ends but not run by
	// this maker.
	Open func(params json.RawMessage, o OpenOptions) (Opened, error)
}

var registry struct {
	sync.Mutex
	kinds []Kind
}

// Register adds a task kind. It panics on a kind with no name, Params or
// Prepare, or one registered twice: a program error.
func Register(k Kind) {
	if k.Name == "" || k.Params == nil || k.Prepare == nil || reflect.TypeOf(k.Params).Kind() != reflect.Pointer {
		panic(fmt.Sprintf("runs: kind %q needs a name, a pointer Params and Prepare", k.Name))
	}
	registry.Lock()
	defer registry.Unlock()
	for _, have := range registry.kinds {
		if have.Name == k.Name {
			panic("runs: kind " + k.Name + " registered twice")
		}
	}
	registry.kinds = append(registry.kinds, k)
}

// Kinds are the registered task kinds, sorted by name.
func Kinds() []Kind {
	registry.Lock()
	defer registry.Unlock()
	out := slices.Clone(registry.kinds)
	slices.SortFunc(out, func(a, b Kind) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// KindNames are the names of the registered kinds, sorted.
func KindNames() []string {
	var out []string
	for _, k := range Kinds() {
		out = append(out, k.Name)
	}
	return out
}

// LookupKind finds a registered kind by name.
func LookupKind(name string) (Kind, bool) {
	for _, k := range Kinds() {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}

// ParamsSchema is the JSON schema of the kind's params.
func (k Kind) ParamsSchema() (*jsonschema.Schema, error) {
	s, err := jsonschema.ForType(reflect.TypeOf(k.Params).Elem(), &jsonschema.ForOptions{IgnoreInvalidTypes: true})
	if err != nil {
		return nil, fmt.Errorf("kind %s: %w", k.Name, err)
	}
	return s, nil
}

// PrepareParams reads a client's params for the kind strictly (an unknown
// field, a field in another case or given twice is refused), fills in the
// defaults and checks them, and returns the params the journal keeps.
// Errors wrap [ErrInvalid] and name the field.
func (k Kind) PrepareParams(raw json.RawMessage, s Settings) (json.RawMessage, error) {
	p := reflect.New(reflect.TypeOf(k.Params).Elem()).Interface()
	if len(raw) == 0 || string(raw) == "null" {
		raw = json.RawMessage("{}")
	}
	if err := strictjson.Unmarshal(raw, p); err != nil {
		return nil, fmt.Errorf("%w: params: %w", ErrInvalid, JSONError(err))
	}
	if err := k.Prepare(p, s); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("kind %s: params: %w", k.Name, err)
	}
	return b, nil
}

// Prepare checks the spec's kind and params and returns the spec with the
// params the journal keeps (see [Kind.PrepareParams]). Errors wrap
// [ErrInvalid] and name the field.
func (d Spec) Prepare() (Spec, error) {
	if d.Kind == "" {
		return d, fmt.Errorf("%w: kind: missing (one of %s)", ErrInvalid, strings.Join(KindNames(), ", "))
	}
	k, ok := LookupKind(d.Kind)
	if !ok {
		return d, fmt.Errorf("%w: kind: unknown task kind %q (one of %s)", ErrInvalid, d.Kind, strings.Join(KindNames(), ", "))
	}
	params, err := k.PrepareParams(d.Params, d.Settings)
	if err != nil {
		return d, err
	}
	d.Params = params
	return d, nil
}

// JSONError says which field a JSON decoding error is about, without Go's
// type names. A strictjson error says so already.
func JSONError(err error) error {
	var strict *strictjson.Error
	if errors.As(err, &strict) {
		return strict
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "(the value)"
		}
		return fmt.Errorf("%s: want %s, got JSON %s", field, te.Type.Kind(), te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("not JSON: %v", se)
	}
	return err
}
