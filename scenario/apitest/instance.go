package apitest

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/maker-go/maker/scenario"
)

// Operations a test performs on the service.
const (
	OpCreate = "create" // POST /users; the id it returns is shared data
	OpUpdate = "update" // PUT /users/{id}
	OpGet    = "get"    // GET /users/{id}, asserting the current name
	OpAudit  = "audit"  // GET /_requests, asserting the service logged the creation
	OpList   = "list"   // GET /users, asserting the group's users are listed
	OpDelete = "delete" // DELETE /users/{id}, then a GET that must be 404
)

// inputKeys are the inputs of each operation, in the order an action names
// them.
var inputKeys = map[string][]string{
	OpCreate: {"name"},
	OpUpdate: {"id", "name"},
	OpGet:    {"id", "name"},
	OpAudit:  {"id"},
	OpList:   {"ids"},
	OpDelete: {"id"},
}

// Instance is a test suite and the faults the service injects into it.
type Instance struct {
	// Seed made the instance; it is informative only.
	Seed uint64 `json:"seed"`
	// MaxParallel is the number of slots: tests running at once.
	MaxParallel int `json:"max_parallel"`
	// MaxAttempts is how many times a test may be tried in all.
	MaxAttempts int    `json:"max_attempts"`
	Tests       []Test `json:"tests"`
}

// Test is one API test.
type Test struct {
	ID       string   `json:"id"`
	Op       string   `json:"op"`
	User     string   `json:"user,omitempty"`  // the user it works on (not for list)
	Users    []string `json:"users,omitempty"` // the users a list test expects
	Name     string   `json:"name,omitempty"`  // the name create and update send
	Deps     []string `json:"deps"`
	Critical bool     `json:"critical,omitempty"`
	// FailFirst is the number of attempts the service fails on purpose
	// (503): 0 for a sound test, MaxAttempts or more for a broken one.
	FailFirst int `json:"fail_first,omitempty"`
}

// Sizes of generated suites, in users (each user brings about five tests).
const (
	DefaultUsers = 4
	LargeUsers   = 100
	MaxUsers     = 5000
)

// Generate returns a seeded suite for the given number of users. Each user
// has a chain create -> update -> get -> audit -> delete, users are grouped
// by four under a list test that the deletes wait for, creates are
// critical, and some tests fail on purpose: a few are flaky (they pass on a
// retry) and, from three users on, at least one create is broken, so its
// dependents must be skipped.
func Generate(users int, seed uint64) (*Instance, error) {
	if users < 1 || users > MaxUsers {
		return nil, fmt.Errorf("apitest: users must be between 1 and %d, got %d", MaxUsers, users)
	}
	rng := scenario.Rand(seed, 0x617069)
	inst := &Instance{Seed: seed, MaxParallel: 3, MaxAttempts: 3}
	names := []string{"ann", "bob", "cai", "dev", "eli", "fay", "gus", "hal", "ivy", "jon", "kim", "lea"}
	var tests []Test
	id := func() string { return fmt.Sprintf("t%02d", len(tests)+1) }
	for g := 0; g*4 < users; g++ {
		var creates, audits []string
		var groupUsers []string
		for u := g * 4; u < min(users, g*4+4); u++ {
			user := fmt.Sprintf("u%d", u+1)
			name := fmt.Sprintf("%s%d", names[rng.IntN(len(names))], u+1)
			c := Test{ID: id(), Op: OpCreate, User: user, Name: name, Deps: []string{}, Critical: true}
			tests = append(tests, c)
			up := Test{ID: id(), Op: OpUpdate, User: user, Name: name + "-v2", Deps: []string{c.ID}}
			tests = append(tests, up)
			get := Test{ID: id(), Op: OpGet, User: user, Deps: []string{up.ID}}
			tests = append(tests, get)
			au := Test{ID: id(), Op: OpAudit, User: user, Deps: []string{get.ID}}
			tests = append(tests, au)
			creates, audits, groupUsers = append(creates, c.ID), append(audits, au.ID), append(groupUsers, user)
		}
		list := Test{ID: id(), Op: OpList, Users: groupUsers, Deps: creates}
		tests = append(tests, list)
		for i, user := range groupUsers {
			tests = append(tests, Test{ID: id(), Op: OpDelete, User: user, Deps: []string{audits[i], list.ID}})
		}
	}
	broken, flaky := false, false
	for i := range tests {
		r := rng.Float64()
		switch {
		case tests[i].Op == OpCreate && r < 0.06:
			tests[i].FailFirst, broken = inst.MaxAttempts, true
		case r < 0.12:
			tests[i].FailFirst, flaky = 1, true
		case r < 0.17:
			tests[i].FailFirst, flaky = 2, true
		}
	}
	if !flaky {
		tests[rng.IntN(len(tests))].FailFirst = 1
	}
	if !broken && users >= 3 {
		// Break one create other than the first, so the suite still has
		// passing users before it.
		u := 1 + rng.IntN(users-1)
		for i := range tests {
			if tests[i].Op == OpCreate && tests[i].User == fmt.Sprintf("u%d", u+1) {
				tests[i].FailFirst = inst.MaxAttempts
			}
		}
	}
	inst.Tests = tests
	return inst, inst.Validate()
}

var (
	testIDRe = regexp.MustCompile(`^t[0-9]{2,}$`)
	userRe   = regexp.MustCompile(`^u[0-9]+$`)
	nameRe   = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`)
)

// Validate reports the first problem that makes the instance unusable, with
// the test it concerns; the error wraps [scenario.ErrInstance].
func (in *Instance) Validate() error {
	if err := in.validate(); err != nil {
		return fmt.Errorf("%w: %w", scenario.ErrInstance, err)
	}
	return nil
}

func (in *Instance) validate() error {
	if in.MaxParallel < 1 || in.MaxParallel > 16 {
		return fmt.Errorf("apitest: max_parallel must be between 1 and 16, got %d", in.MaxParallel)
	}
	if in.MaxAttempts < 1 || in.MaxAttempts > 9 {
		return fmt.Errorf("apitest: max_attempts must be between 1 and 9, got %d", in.MaxAttempts)
	}
	if len(in.Tests) == 0 {
		return errors.New("apitest: the suite has no tests")
	}
	seen := map[string]int{}
	created := map[string]bool{}
	for i, t := range in.Tests {
		where := fmt.Sprintf("apitest: test %d (%q)", i+1, t.ID)
		if !testIDRe.MatchString(t.ID) {
			return fmt.Errorf("%s: id must look like t01", where)
		}
		if _, dup := seen[t.ID]; dup {
			return fmt.Errorf("%s: duplicate id", where)
		}
		keys, ok := inputKeys[t.Op]
		if !ok {
			return fmt.Errorf("%s: unknown op %q (want create, update, get, audit, list or delete)", where, t.Op)
		}
		if t.FailFirst < 0 {
			return fmt.Errorf("%s: fail_first must not be negative", where)
		}
		for _, d := range t.Deps {
			if _, ok := seen[d]; !ok {
				return fmt.Errorf("%s: dependency %q is not an earlier test", where, d)
			}
		}
		switch t.Op {
		case OpList:
			if len(t.Users) == 0 {
				return fmt.Errorf("%s: a list test needs users", where)
			}
			for _, u := range t.Users {
				if !created[u] {
					return fmt.Errorf("%s: user %q is not created by an earlier test", where, u)
				}
			}
		case OpCreate:
			if !userRe.MatchString(t.User) || created[t.User] {
				return fmt.Errorf("%s: create needs a new user like u1, got %q", where, t.User)
			}
			created[t.User] = true
		default:
			if !created[t.User] {
				return fmt.Errorf("%s: user %q is not created by an earlier test", where, t.User)
			}
		}
		if slices.Contains(keys, "name") && t.Op != OpGet && !nameRe.MatchString(t.Name) {
			return fmt.Errorf("%s: name %q must be lower-case letters, digits and dashes", where, t.Name)
		}
		seen[t.ID] = i
	}
	return nil
}

// Read reads a suite from JSON strictly (see [scenario.Decode]) and
// validates it.
func Read(r io.Reader) (*Instance, error) { return scenario.Read(r, (*Instance).Validate) }

// Load reads a suite file strictly (see [scenario.Load]) and validates it.
func Load(path string) (*Instance, error) { return scenario.Load(path, (*Instance).Validate) }

// index returns the position of test id, or -1.
func (in *Instance) index(id string) int {
	for i, t := range in.Tests {
		if t.ID == id {
			return i
		}
	}
	return -1
}

// describe is the test's line in the prompt's suite listing.
func (t Test) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", t.ID, t.Op)
	switch t.Op {
	case OpList:
		fmt.Fprintf(&b, " users=%s", strings.Join(t.Users, ","))
	default:
		fmt.Fprintf(&b, " %s", t.User)
	}
	if t.Op == OpCreate || t.Op == OpUpdate {
		fmt.Fprintf(&b, " name=%s", t.Name)
	}
	deps := "-"
	if len(t.Deps) > 0 {
		deps = strings.Join(t.Deps, ",")
	}
	fmt.Fprintf(&b, " deps=%s", deps)
	if t.Critical {
		b.WriteString(" critical")
	}
	return b.String()
}
