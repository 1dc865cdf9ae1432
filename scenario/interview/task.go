package interview

import (
	"fmt"
	"slices"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// Task is one scheduling problem as a [maker.Task]. It also implements
// [maker.Checker] and [maker.Oracle].
type Task struct {
	p   *problem
	ref []Booking // the rule's schedule, in order
}

var (
	_ maker.Task[State]    = (*Task)(nil)
	_ maker.Checker[State] = (*Task)(nil)
	_ maker.Oracle         = (*Task)(nil)
)

// New validates the instance, including that the rule can place every
// interview, and returns its task.
func New(in *Instance) (*Task, error) {
	p, err := in.validate()
	if err != nil {
		return nil, err
	}
	t := &Task{p: p}
	t.ref = scenario.Trace(t.Initial(), t.Next)
	return t, nil
}

// Reference is the rule's schedule, in the order the bookings are made.
func (t *Task) Reference() []Booking { return slices.Clone(t.ref) }

// Interviews is the number of interviews.
func (t *Task) Interviews() int { return len(t.p.order) }

// Name implements [maker.Task].
func (t *Task) Name() string { return fmt.Sprintf("interview-%d", len(t.p.order)) }

// Initial implements [maker.Task]: the first day with interviews, nothing
// booked.
func (t *Task) Initial() State { return State{Day: t.p.days[0], Booked: []Booking{}} }

// Steps implements [maker.Task]: one step per interview.
func (t *Task) Steps() int { return len(t.p.order) }

// Done implements [maker.Task]: every interview of the last day is booked.
func (t *Task) Done(s State, _ int) bool {
	_, _, _, more := t.p.scheduling(s)
	return !more
}

// Parse implements [maker.Task] with the strict red-flagging parser.
func (t *Task) Parse(text string) (maker.Candidate[State], error) {
	b, s, err := t.ParseAnswer(text)
	if err != nil {
		return maker.Candidate[State]{}, err
	}
	return maker.Candidate[State]{Action: b.String(), State: s}, nil
}

// Key implements [maker.Task]: the booking, the day and the bookings sorted
// by interview, without spaces.
func (t *Task) Key(c maker.Candidate[State]) string {
	return c.Action + "|" + fmt.Sprint(c.State.Day) + "|" + formatBookings(c.State.Booked, ",")
}

// Next is the rule: the booking that follows s and the state after it. ok
// is false when every interview is placed or the next cannot be.
func (t *Task) Next(s State) (Booking, State, bool) {
	day, booked, iv, ok := t.p.scheduling(s)
	if !ok {
		return Booking{}, State{}, false
	}
	b, ok := t.p.place(iv, booked)
	if !ok {
		return Booking{}, State{}, false
	}
	return b, State{Day: day, Booked: sortedBookings(append(slices.Clone(booked), b))}, true
}

// Check implements [maker.Checker]. It names what a decided booking breaks:
// the order of interviews, a hard constraint (availability, a double
// booking of a panel member, the candidate or the room, the room's
// capacity), the greedy slot or room rule, a wrong next state, or the
// reference schedule (an earlier state was wrong).
func (t *Task) Check(step int, before State, c maker.Candidate[State]) error {
	b, err := ParseBooking(c.Action)
	if err != nil {
		return err
	}
	day, booked, next, ok := t.p.scheduling(before)
	if !ok {
		return fmt.Errorf("placed %s, but every interview was placed", b)
	}
	iv := t.p.byID[b.ID]
	if iv == nil {
		return fmt.Errorf("placed unknown interview %s", b.ID)
	}
	if iv != next {
		return fmt.Errorf("order broken: placed %s, but %s is the next interview", b.ID, next.ID)
	}
	if why := t.p.conflict(iv, b.Slot, booked); why != "" {
		return fmt.Errorf("hard constraint broken: %s in slot %d: %s", b.ID, b.Slot, why)
	}
	need := len(iv.Panel) + 1
	if cp := t.p.roomCap[b.Room]; cp < need {
		return fmt.Errorf("hard constraint broken: %s holds %d, but %s needs %d", b.Room, cp, b.ID, need)
	}
	for _, o := range booked {
		if o.Slot == b.Slot && o.Room == b.Room {
			return fmt.Errorf("hard constraint broken: %s in slot %d is taken by %s", b.Room, b.Slot, o.ID)
		}
	}
	want, wantState, ok := t.Next(before)
	if !ok {
		return fmt.Errorf("placed %s, but the rule cannot place %s", b, next.ID)
	}
	if b.Slot != want.Slot {
		return fmt.Errorf("greedy rule broken: %s in slot %d, but slot %d comes first among the feasible slots (preferred first)", b.ID, b.Slot, want.Slot)
	}
	if b.Room != want.Room {
		return fmt.Errorf("room rule broken: %s in %s (capacity %d), but %s (capacity %d) is the smallest free room that fits", b.ID, b.Room, t.p.roomCap[b.Room], want.Room, t.p.roomCap[want.Room])
	}
	if !wantState.Equal(c.State) {
		return fmt.Errorf("wrong next state after %s: day = %d, booked = %s; want day = %d, booked = %s", b, c.State.Day, formatBookings(c.State.Booked, ", "), wantState.Day, formatBookings(wantState.Booked, ", "))
	}
	if step >= len(t.ref) || t.ref[step] != b {
		return fmt.Errorf("booking %d is %s, but the reference schedule has another: an earlier state was wrong (day %d)", step+1, b, day)
	}
	return nil
}

// Answer implements [maker.Oracle]: the right booking and wrong ones that
// look right. Wrong[0] ignores the preference order (the earliest feasible
// slot, or the next feasible one after the right slot) with a consistent
// state; Wrong[1] takes the right slot but another room (the largest, or
// the next in order); Wrong[2] is the right booking with the state
// forgetting an earlier booking of the day (or, on a day's first booking,
// keeping the old day number). It reads the prompt's hint, or the prompt's
// text when the hint was lost (see [Task.ReadPrompt]).
func (t *Task) Answer(pr maker.Prompt) (maker.Answer, error) {
	s, err := scenario.StateOf(pr, t.ReadPrompt)
	if err != nil {
		return maker.Answer{}, err
	}
	b, next, ok := t.Next(s)
	if !ok {
		return maker.Answer{}, fmt.Errorf("interview: no booking follows day %d with %s", s.Day, bookedText(s.Booked))
	}
	right := render(b, next, "The next interview is "+b.ID+".")
	ans := maker.Answer{Right: right}
	add := func(w Booking, st State) {
		scenario.AddWrong(&ans, render(w, st, "The next interview is "+w.ID+"."))
	}
	day, booked, iv, _ := t.p.scheduling(s)
	with := func(w Booking) State {
		return State{Day: day, Booked: sortedBookings(append(slices.Clone(booked), w))}
	}
	need := len(iv.Panel) + 1
	// Wrong 0: the slot order broken.
	for sl := 1; sl <= t.p.slots; sl++ {
		if sl == b.Slot || t.p.conflict(iv, sl, booked) != "" {
			continue
		}
		if r := t.p.room(sl, need, booked); r != "" {
			w := Booking{ID: b.ID, Slot: sl, Room: r}
			add(w, with(w))
			break
		}
	}
	// Wrong 1: another room in the right slot.
	for i := len(t.p.rooms) - 1; i >= 0; i-- {
		if r := t.p.rooms[i].Name; r != b.Room {
			w := Booking{ID: b.ID, Slot: b.Slot, Room: r}
			add(w, with(w))
			break
		}
	}
	// Wrong 2: the right booking, the state wrong.
	bad := next.Clone()
	if len(booked) > 0 {
		bad.Booked = slices.DeleteFunc(bad.Booked, func(o Booking) bool { return o.ID == booked[0].ID })
	} else if day != s.Day {
		bad.Day = s.Day
	} else {
		bad.Day = day + 1
	}
	add(b, bad)
	return ans, nil
}

func render(b Booking, s State, lead string) string {
	return fmt.Sprintf("%s\nplace = %s\nnext_day = %d\nnext_booked = %s", lead, b, s.Day, formatBookings(s.Booked, ", "))
}

// Score is how a run's bookings fare against the soft constraints: how many
// interviews landed in a slot their candidate prefers, out of those whose
// candidate has preferences.
type Score struct {
	Preferred    int `json:"in_preferred_slot"`
	WithPrefs    int `json:"with_preferences"`
	Interviews   int `json:"interviews"`
	HardBreaches int `json:"hard_constraint_breaches"`
}

// Evaluate scores decided bookings and counts hard-constraint breaches
// among them, replaying them day by day with the instance's own facts,
// independently of the states the model wrote.
func (t *Task) Evaluate(actions []string) (Score, error) {
	var sc Score
	day := map[int][]Booking{}
	placed := map[string]bool{}
	for i, a := range actions {
		b, err := ParseBooking(a)
		if err != nil {
			return sc, fmt.Errorf("booking %d: %w", i+1, err)
		}
		iv := t.p.byID[b.ID]
		if iv == nil {
			return sc, fmt.Errorf("booking %d: unknown interview %s", i+1, b.ID)
		}
		if placed[b.ID] {
			return sc, fmt.Errorf("booking %d: %s booked twice", i+1, b.ID)
		}
		placed[b.ID] = true
		booked := day[iv.Day]
		taken := slices.ContainsFunc(booked, func(o Booking) bool { return o.Slot == b.Slot && o.Room == b.Room })
		if t.p.conflict(iv, b.Slot, booked) != "" || t.p.roomCap[b.Room] < len(iv.Panel)+1 || taken {
			sc.HardBreaches++
		}
		day[iv.Day] = append(booked, b)
		sc.Interviews++
		if ps := t.p.preferred[iv.Candidate]; len(ps) > 0 {
			sc.WithPrefs++
			if slices.Contains(ps, b.Slot) {
				sc.Preferred++
			}
		}
	}
	if sc.Interviews != len(t.p.order) {
		return sc, fmt.Errorf("%d of %d interviews booked", sc.Interviews, len(t.p.order))
	}
	return sc, nil
}
