package interview

import (
	"fmt"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// keys are the answer lines; promptKeys the state lines of a prompt, which
// the oracle reads when the hint is lost.
var (
	keys       = []string{"place", "next_day", "next_booked"}
	promptKeys = []string{"day", "booked"}
)

// ParseAnswer strictly reads the three answer lines. Interviews and rooms
// must exist, slots must be in range, and an interview is booked at most
// once. Nothing is repaired, and no constraint or rule is checked here:
// that is the checker's business, after the vote.
func (t *Task) ParseAnswer(text string) (Booking, State, error) {
	v, err := scenario.Fields(text, keys...)
	if err != nil {
		return Booking{}, State{}, err
	}
	b, err := ParseBooking(v[0])
	if err != nil {
		return Booking{}, State{}, err
	}
	if err := t.known(b); err != nil {
		return Booking{}, State{}, fmt.Errorf("place: %w", err)
	}
	s, err := t.parseState(v[1], v[2])
	if err != nil {
		return Booking{}, State{}, err
	}
	return b, s, nil
}

// parseState reads the day and the bookings strictly.
func (t *Task) parseState(day, booked string) (State, error) {
	var s State
	var err error
	if s.Day, err = scenario.Atoi(day); err != nil {
		return State{}, fmt.Errorf("day: %w", err)
	}
	items, err := scenario.Items(booked)
	if err != nil {
		return State{}, fmt.Errorf("booked: %w", err)
	}
	seen := map[string]bool{}
	for _, it := range items {
		nb, err := ParseBooking(it)
		if err != nil {
			return State{}, fmt.Errorf("booked: %w", err)
		}
		if err := t.known(nb); err != nil {
			return State{}, fmt.Errorf("booked: %w", err)
		}
		if seen[nb.ID] {
			return State{}, fmt.Errorf("interview: %w: booked lists %s twice", maker.ErrMalformed, nb.ID)
		}
		seen[nb.ID] = true
		s.Booked = append(s.Booked, nb)
	}
	s.Booked = sortedBookings(s.Booked)
	return s, nil
}

// ReadPrompt recovers the state from a prompt this task rendered, for the
// simulator behind HTTP where the hint is lost. Text that is not such a
// prompt gives [maker.ErrNotMine].
func (t *Task) ReadPrompt(user string) (State, error) {
	d, err1 := scenario.Field(user, promptKeys[0])
	b, err2 := scenario.Field(user, promptKeys[1])
	if err1 != nil || err2 != nil || !strings.Contains(user, "in the order they are placed") {
		return State{}, maker.ErrNotMine
	}
	s, err := t.parseState(d, b)
	if err != nil {
		return State{}, fmt.Errorf("%w: %v", maker.ErrNotMine, err)
	}
	return s, nil
}

// known checks that a booking names an interview, a slot and a room that
// exist.
func (t *Task) known(b Booking) error {
	if t.p.byID[b.ID] == nil {
		return fmt.Errorf("interview: %w: %q is not an interview", maker.ErrMalformed, b.ID)
	}
	if b.Slot < 1 || b.Slot > t.p.slots {
		return fmt.Errorf("interview: %w: slot %d is not between 1 and %d", maker.ErrMalformed, b.Slot, t.p.slots)
	}
	if _, ok := t.p.roomCap[b.Room]; !ok {
		return fmt.Errorf("interview: %w: %q is not a room", maker.ErrMalformed, b.Room)
	}
	return nil
}
