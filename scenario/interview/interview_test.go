package interview

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/internal/scentest"
)

func mustTask(t *testing.T, n int, seed uint64) *Task {
	t.Helper()
	return scentest.Must(t, Generate, New, n, seed)
}

// base is a small valid instance the bad-instance table edits.
const base = `{"days":1,"slots":4,
 "rooms":[{"name":"small","capacity":2},{"name":"big","capacity":4}],
 "interviewers":[{"name":"alice","available":{"1":[1,2]}},{"name":"bob","available":{"1":[2,3]}}],
 "candidates":[{"name":"ana","preferred":[2]},{"name":"ben","preferred":[]}],
 "interviews":[{"id":"i1","day":1,"candidate":"ana","panel":["alice","bob"]},
               {"id":"i2","day":1,"candidate":"ben","panel":["bob"]}]}`

func TestBadInstances(t *testing.T) {
	if _, err := Read(strings.NewReader(base)); err != nil {
		t.Fatalf("base instance rejected: %v", err)
	}
	tests := []struct {
		name, old, new string
		want           []string
	}{
		{"unknown interviewer", `"panel":["bob"]`, `"panel":["carol"]`, []string{"interview i2", `unknown interviewer "carol"`}},
		{"unknown candidate", `"candidate":"ben"`, `"candidate":"bea"`, []string{"interview i2", `unknown candidate "bea"`}},
		{"panel twice", `"panel":["bob"]`, `"panel":["bob","bob"]`, []string{"interview i2", "bob is on the panel twice"}},
		{"room too small", `{"name":"big","capacity":4}`, `{"name":"big","capacity":2}`, []string{"interview i1 needs a room for 3", "largest room"}},
		{"panel never together", `"available":{"1":[2,3]}`, `"available":{"1":[3,4]}`, []string{"interview i1", "alice, bob", "never available together"}},
		{"rule dead end", `"panel":["bob"]`, `"panel":["alice","bob"]`, []string{"cannot place interview i2", "slot 2: alice is in i1"}},
		{"slot out of range", `"preferred":[2]`, `"preferred":[9]`, []string{"candidate ana", "preferred slot 9"}},
		{"day out of range", `"id":"i2","day":1`, `"id":"i2","day":2`, []string{"interview i2", "day 2"}},
		{"availability day", `{"1":[1,2]}`, `{"3":[1,2]}`, []string{"interviewer alice", "day 3"}},
		{"name reused", `{"name":"ben","preferred":[]}`, `{"name":"bob","preferred":[]}`, []string{"candidate bob", "already used for an interviewer"}},
		{"duplicate interview", `"id":"i2"`, `"id":"i1"`, []string{"interview i1", "already used"}},
		{"no rooms", `"rooms":[{"name":"small","capacity":2},{"name":"big","capacity":4}]`, `"rooms":[]`, []string{"no rooms"}},
		{"zero slots", `"slots":4`, `"slots":0`, []string{"slots must be"}},
		{"misspelt field", `"preferred":[2]`, `"prefers":[2]`, []string{"prefers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Replace(base, tt.old, tt.new, 1)
			if text == base {
				t.Fatalf("edit %q not applied", tt.old)
			}
			_, err := Read(strings.NewReader(text))
			scentest.RejectsInstance(t, err, tt.want...)
		})
	}
}

func TestGenerate(t *testing.T) {
	for _, n := range []int{1, DefaultSize, 6, 123} {
		a := scentest.Seeded(t, Generate, n, 9)
		task, err := New(a)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if task.Interviews() != n || len(task.Reference()) != n {
			t.Errorf("n=%d: %d interviews, %d in the reference", n, task.Interviews(), len(task.Reference()))
		}
	}
	a, _ := Generate(DefaultSize, 1)
	c, _ := Generate(DefaultSize, 2)
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Error("seeds 1 and 2 gave the same instance")
	}
}

// TestReferenceIsValid checks the rule's schedule against the hard
// constraints directly from the instance, not through the rule's code.
func TestReferenceIsValid(t *testing.T) {
	in, _ := Generate(200, 5)
	task, err := New(in)
	if err != nil {
		t.Fatal(err)
	}
	ivs := map[string]Interview{}
	for _, iv := range in.Interviews {
		ivs[iv.ID] = iv
	}
	rooms := map[string]int{}
	for _, r := range in.Rooms {
		rooms[r.Name] = r.Capacity
	}
	avail := map[string]map[int][]int{}
	for _, x := range in.Interviewers {
		avail[x.Name] = x.Available
	}
	type at struct {
		day, slot int
		who       string
	}
	busy := map[at]string{}
	for _, b := range task.Reference() {
		iv := ivs[b.ID]
		if rooms[b.Room] < len(iv.Panel)+1 {
			t.Errorf("%s: room %s too small", b, b.Room)
		}
		for _, who := range append([]string{iv.Candidate, "room:" + b.Room}, iv.Panel...) {
			k := at{iv.Day, b.Slot, who}
			if o, dup := busy[k]; dup {
				t.Errorf("%s: %s already in %s", b, who, o)
			}
			busy[k] = b.ID
		}
		for _, m := range iv.Panel {
			ok := false
			for _, s := range avail[m][iv.Day] {
				ok = ok || s == b.Slot
			}
			if !ok {
				t.Errorf("%s: %s unavailable", b, m)
			}
		}
	}
	var acts []string
	for _, b := range task.Reference() {
		acts = append(acts, b.String())
	}
	sc, err := task.Evaluate(acts)
	if err != nil || sc.HardBreaches != 0 || sc.Interviews != 200 || sc.Preferred == 0 {
		t.Errorf("evaluate: %+v, %v", sc, err)
	}
}

func TestParse(t *testing.T) {
	task, err := New(mustRead(t, base))
	if err != nil {
		t.Fatal(err)
	}
	good := "i2 goes first free.\nplace = i2@3/small\nnext_day = 1\nnext_booked = [i2@3/small, i1@2/big]"
	c, err := task.Parse(good)
	if err != nil {
		t.Fatal(err)
	}
	if c.Action != "i2@3/small" || c.State.Day != 1 || c.State.Booked[0] != (Booking{"i1", 2, "big"}) {
		t.Errorf("parsed %+v", c)
	}
	same, err := task.Parse("place=i2@3/small\nnext_day=1\nnext_booked=[i1@2/big,i2@3/small]")
	if err != nil {
		t.Fatal(err)
	}
	if task.Key(c) != task.Key(same) {
		t.Errorf("keys differ")
	}
	bad := map[string]string{
		"unknown room":  strings.Replace(good, "place = i2@3/small", "place = i2@3/hall", 1),
		"slot range":    strings.Replace(good, "place = i2@3/small", "place = i2@5/small", 1),
		"no room":       strings.Replace(good, "place = i2@3/small", "place = i2@3", 1),
		"spaces":        strings.Replace(good, "place = i2@3/small", "place = i2 @ 3 / small", 1),
		"booked twice":  strings.Replace(good, "[i2@3/small, i1@2/big]", "[i2@3/small, i2@2/big]", 1),
		"unknown id":    strings.Replace(good, "i1@2/big", "i9@2/big", 1),
		"day word":      strings.Replace(good, "next_day = 1", "next_day = one", 1),
		"missing state": strings.Replace(good, "next_booked", "booked", 1),
	}
	for name, text := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := task.Parse(text); !errors.Is(err, maker.ErrMalformed) {
				t.Errorf("got %v, want a format error", err)
			}
		})
	}
}

func mustRead(t *testing.T, s string) *Instance {
	t.Helper()
	in, err := Read(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestOracleAndChecker(t *testing.T) {
	for _, n := range []int{DefaultSize, 60} {
		task := mustTask(t, n, 3)
		ref := scentest.Strings(task.Reference())
		s := scentest.WalkOracle(t, task, ref, 2)
		if step := len(ref); !task.Done(s, step) {
			t.Errorf("not done after the reference")
		}
	}
}

func TestOracleIgnoresOtherPrompts(t *testing.T) {
	scentest.IgnoresOtherPrompts(t, mustTask(t, DefaultSize, 1))
}

func TestCheckerNamesTheRule(t *testing.T) {
	task, err := New(mustRead(t, base))
	if err != nil {
		t.Fatal(err)
	}
	// The rule: i1 (ana prefers 2; alice and bob are both free only in 2)
	// goes to 2/big; then i2 (bob) to slot 3, the first where bob is free
	// and available, in small.
	if got := fmt.Sprint(task.Reference()); got != "[i1@2/big i2@3/small]" {
		t.Fatalf("reference %s", got)
	}
	s0 := task.Initial()
	s1 := State{Day: 1, Booked: []Booking{{"i1", 2, "big"}}}
	tests := []struct {
		before State
		action string
		want   string
	}{
		{s0, "i2@3/small", "order broken: placed i2, but i1 is the next"},
		{s0, "i1@1/big", "hard constraint broken: i1 in slot 1: bob is not available"},
		{s0, "i1@2/small", "hard constraint broken: small holds 2, but i1 needs 3"},
		{s1, "i2@2/small", "hard constraint broken: i2 in slot 2: bob is in i1"},
		{s1, "i2@3/big", "room rule broken: i2 in big (capacity 4), but small (capacity 2)"},
	}
	for _, tt := range tests {
		b, _ := ParseBooking(tt.action)
		st := State{Day: 1, Booked: sortedBookings(append(append([]Booking{}, tt.before.Booked...), b))}
		err := task.Check(len(tt.before.Booked), tt.before, maker.Candidate[State]{Action: tt.action, State: st})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.action, err, tt.want)
		}
	}
}

func TestRunDefaultSize(t *testing.T) {
	task := mustTask(t, DefaultSize, 1)
	res := scentest.RunSim(t, task, 3, DefaultSize)
	if sc, err := task.Evaluate(res.Actions); err != nil || sc.HardBreaches != 0 {
		t.Errorf("evaluate: %+v, %v", sc, err)
	}
}

// TestVotingRemovesErrors uses four days (20 interviews) so a single run
// has enough steps to go wrong: at e = 0.25 a valid vote is right with
// probability about 0.81, so a k=1 run succeeds with probability
// 0.81^20 = 0.015: about 30 failures in 30 runs, fewer than 24 is beyond
// 1e-5. At k_min the run fails with probability under 5%: 1.5 expected,
// more than 6 has probability below 1e-3.
func TestVotingRemovesErrors(t *testing.T) {
	const runs, e = 30, 0.25
	task := mustTask(t, 4*DefaultSize, 1)
	ref := task.Reference()
	verify := func(res *maker.Result[State]) error {
		sc, err := task.Evaluate(res.Actions)
		if err != nil {
			return err
		}
		if sc.HardBreaches > 0 {
			return fmt.Errorf("%d hard-constraint breaches", sc.HardBreaches)
		}
		for i, a := range res.Actions {
			if a != ref[i].String() {
				return fmt.Errorf("booking %d differs", i+1)
			}
		}
		return nil
	}
	scentest.VotingRemovesErrors(t, task, e, runs, 24, 6, verify)
}

// TestSystemPromptExample checks that the worked example in the system
// prompt follows the rule.
func TestSystemPromptExample(t *testing.T) {
	task, err := New(mustRead(t, `{"days":1,"slots":4,
 "rooms":[{"name":"room-a","capacity":2},{"name":"room-b","capacity":4}],
 "interviewers":[{"name":"alice","available":{"1":[2,3]}},{"name":"bob","available":{"1":[1,2,3]}}],
 "candidates":[{"name":"ana","preferred":[2,3]},{"name":"ben","preferred":[]}],
 "interviews":[{"id":"i01","day":1,"candidate":"ana","panel":["alice","bob"]},
               {"id":"i02","day":1,"candidate":"ben","panel":["bob"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	_, example, ok := strings.Cut(systemPrompt, "The answer ends with:\n")
	if !ok {
		t.Fatal("no example answer in the system prompt")
	}
	example, _, _ = strings.Cut(example, "\n\n")
	c, err := task.Parse(example)
	if err != nil {
		t.Fatal(err)
	}
	before := State{Day: 1, Booked: []Booking{{"i01", 2, "room-b"}}}
	if err := task.Check(1, before, c); err != nil {
		t.Errorf("the example breaks the rule: %v", err)
	}
}
