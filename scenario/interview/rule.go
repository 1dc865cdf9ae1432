package interview

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// Booking places an interview in a slot and a room.
type Booking struct {
	ID   string `json:"id"`
	Slot int    `json:"slot"`
	Room string `json:"room"`
}

// String renders the booking as answers write it: "i03@2/room-b".
func (b Booking) String() string { return b.ID + "@" + strconv.Itoa(b.Slot) + "/" + b.Room }

// ParseBooking reads "id@slot/room" strictly.
func ParseBooking(s string) (Booking, error) {
	id, rest, ok1 := strings.Cut(s, "@")
	slot, room, ok2 := strings.Cut(rest, "/")
	if !ok1 || !ok2 {
		return Booking{}, fmt.Errorf("interview: %w: %q is not interview@slot/room", maker.ErrMalformed, s)
	}
	if err := scenario.CheckName(id); err != nil {
		return Booking{}, fmt.Errorf("interview: %w: %q: %v", maker.ErrMalformed, s, err)
	}
	if err := scenario.CheckName(room); err != nil {
		return Booking{}, fmt.Errorf("interview: %w: %q: %v", maker.ErrMalformed, s, err)
	}
	n, err := scenario.Atoi(slot)
	if err != nil {
		return Booking{}, err
	}
	return Booking{ID: id, Slot: n, Room: room}, nil
}

// State is what the model carries: the day being scheduled and its
// bookings, sorted by interview id. Earlier days are finished and cannot
// constrain this one, so they are not carried.
type State struct {
	Day    int       `json:"day"`
	Booked []Booking `json:"booked"`
}

// Clone returns a deep copy.
func (s State) Clone() State { return State{Day: s.Day, Booked: slices.Clone(s.Booked)} }

// Equal reports whether two states are the same.
func (s State) Equal(o State) bool {
	return s.Day == o.Day && slices.Equal(sortedBookings(s.Booked), sortedBookings(o.Booked))
}

func sortedBookings(bs []Booking) []Booking {
	out := slices.Clone(bs)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func bookedText(bs []Booking) string {
	if len(bs) == 0 {
		return "no bookings"
	}
	return formatBookings(bs, ", ")
}

func formatBookings(bs []Booking, sep string) string {
	parts := make([]string, len(bs))
	for i, b := range sortedBookings(bs) {
		parts[i] = b.String()
	}
	return "[" + strings.Join(parts, sep) + "]"
}

// slotOrder is the order the rule tries slots in for a candidate: the
// preferred ones ascending, then the rest ascending.
func (p *problem) slotOrder(candidate string) []int {
	pref := p.preferred[candidate]
	out := append([]int{}, pref...)
	for s := 1; s <= p.slots; s++ {
		if !slices.Contains(pref, s) {
			out = append(out, s)
		}
	}
	return out
}

// conflict says why interview iv cannot be in slot s given the day's
// bookings, or "" when it can (a room aside).
func (p *problem) conflict(iv *Interview, s int, day []Booking) string {
	for _, m := range iv.Panel {
		if p.avail[m][iv.Day]&(1<<s) == 0 {
			return m + " is not available"
		}
	}
	for _, b := range day {
		if b.Slot != s {
			continue
		}
		other := p.byID[b.ID]
		if other == nil {
			continue
		}
		if other.Candidate == iv.Candidate {
			return "candidate " + iv.Candidate + " is in " + b.ID
		}
		for _, m := range iv.Panel {
			if slices.Contains(other.Panel, m) {
				return m + " is in " + b.ID
			}
		}
	}
	return ""
}

// room is the smallest free room in slot s that holds need people (ties by
// name), or "".
func (p *problem) room(s, need int, day []Booking) string {
	for _, r := range p.rooms {
		if r.Capacity < need {
			continue
		}
		if !slices.ContainsFunc(day, func(b Booking) bool { return b.Slot == s && b.Room == r.Name }) {
			return r.Name
		}
	}
	return ""
}

// place is the rule: the booking of interview iv given the day's bookings.
func (p *problem) place(iv *Interview, day []Booking) (Booking, bool) {
	need := len(iv.Panel) + 1
	for _, s := range p.slotOrder(iv.Candidate) {
		if p.conflict(iv, s, day) != "" {
			continue
		}
		if r := p.room(s, need, day); r != "" {
			return Booking{ID: iv.ID, Slot: s, Room: r}, true
		}
	}
	return Booking{}, false
}

// why explains, slot by slot, why the rule cannot place iv.
func (p *problem) why(iv *Interview, day []Booking) string {
	var parts []string
	for s := 1; s <= p.slots; s++ {
		c := p.conflict(iv, s, day)
		if c == "" {
			c = fmt.Sprintf("no free room for %d", len(iv.Panel)+1)
		}
		parts = append(parts, fmt.Sprintf("slot %d: %s", s, c))
	}
	return strings.Join(parts, "; ")
}

// scheduling is the day the next step works on and its bookings: the
// state's day while it has interviews left, else the next day with
// interviews, from no bookings. ok is false when every interview is placed.
func (p *problem) scheduling(s State) (day int, booked []Booking, next *Interview, ok bool) {
	for _, iv := range p.byDay[s.Day] {
		if !slices.ContainsFunc(s.Booked, func(b Booking) bool { return b.ID == iv.ID }) {
			return s.Day, s.Booked, iv, true
		}
	}
	i := sort.SearchInts(p.days, s.Day+1)
	if i == len(p.days) {
		return 0, nil, nil, false
	}
	d := p.days[i]
	return d, nil, p.byDay[d][0], true
}
