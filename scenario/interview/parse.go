package interview

import (
	"fmt"

	"github.com/maker-go/maker/scenario/scenutil"
)

var keys = scenutil.MustKeys("place", "next_day", "next_booked")

// ParseAnswer strictly reads the three answer lines. Interviews and rooms
// must exist, slots must be in range, and an interview is booked at most
// once. Nothing is repaired, and no constraint or rule is checked here:
// that is the checker's business, after the vote.
func (t *Task) ParseAnswer(text string) (Booking, State, error) {
	var v [3]string
	for i, k := range keys {
		s, err := scenutil.Field(text, k)
		if err != nil {
			return Booking{}, State{}, err
		}
		v[i] = s
	}
	b, err := ParseBooking(v[0])
	if err != nil {
		return Booking{}, State{}, err
	}
	if err := t.known(b); err != nil {
		return Booking{}, State{}, fmt.Errorf("place: %w", err)
	}
	var s State
	if s.Day, err = scenutil.Atoi(v[1]); err != nil {
		return Booking{}, State{}, fmt.Errorf("next_day: %w", err)
	}
	items, err := scenutil.Items(v[2])
	if err != nil {
		return Booking{}, State{}, fmt.Errorf("next_booked: %w", err)
	}
	seen := map[string]bool{}
	for _, it := range items {
		nb, err := ParseBooking(it)
		if err != nil {
			return Booking{}, State{}, fmt.Errorf("next_booked: %w", err)
		}
		if err := t.known(nb); err != nil {
			return Booking{}, State{}, fmt.Errorf("next_booked: %w", err)
		}
		if seen[nb.ID] {
			return Booking{}, State{}, fmt.Errorf("%w: next_booked books %s twice", scenutil.ErrFormat, nb.ID)
		}
		seen[nb.ID] = true
		s.Booked = append(s.Booked, nb)
	}
	s.Booked = sortedBookings(s.Booked)
	return b, s, nil
}

// known checks that a booking names an interview, a slot and a room that
// exist.
func (t *Task) known(b Booking) error {
	if t.p.byID[b.ID] == nil {
		return fmt.Errorf("%w: %q is not an interview", scenutil.ErrFormat, b.ID)
	}
	if b.Slot < 1 || b.Slot > t.p.slots {
		return fmt.Errorf("%w: slot %d is not between 1 and %d", scenutil.ErrFormat, b.Slot, t.p.slots)
	}
	if _, ok := t.p.roomCap[b.Room]; !ok {
		return fmt.Errorf("%w: %q is not a room", scenutil.ErrFormat, b.Room)
	}
	return nil
}
