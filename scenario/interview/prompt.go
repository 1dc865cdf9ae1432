package interview

import (
	"fmt"
	"slices"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// systemPrompt is the same for every step, so providers can cache it.
const systemPrompt = `You are scheduling interviews one at a time.

Each interview is a candidate meeting a panel of interviewers, for one slot,
in one room, on a given day. You carry the progress in a short state: the day
being scheduled and its bookings, each written interview@slot/room.

Hard constraints (a booking must satisfy all of them):
- every panel member is available in the slot;
- no panel member is in another booked interview in the same slot;
- the candidate is not in another booked interview in the same slot;
- the room is not used by another booked interview in the same slot, and it
  holds the panel plus the candidate.

The rule for one step (always follow it exactly):
1. The next interview is the first interview in the listed order of the day
   being scheduled that is not booked yet.
2. Try the candidate's preferred slots in increasing order, then the other
   slots in increasing order. Take the first slot where the hard constraints
   can all hold.
3. In that slot take the free room with the smallest capacity that holds the
   panel plus the candidate (if two have the same capacity, the smaller name).
4. Add the booking to the day's bookings. When the facts say a new day starts,
   the day's bookings start empty and next_day is the new day.

Example. Interviews of day 1: i01 (candidate ana, prefers slots 2, 3; panel
alice, bob; needs a room for 3), i02 (candidate ben, no preference; panel bob;
needs a room for 2). Rooms: room-a (2), room-b (4). Availability: alice slots
2, 3; bob slots 1, 2, 3. State: day = 1, booked = [i01@2/room-b].
The next interview is i02. Slot 1: bob is available and free, room-a holds 2
and is free. The answer ends with:
place = i02@1/room-a
next_day = 1
next_booked = [i01@2/room-b, i02@1/room-a]

Answer with the booking and the state after it, written exactly like this on
the last three lines:
place = <interview>@<slot>/<room>
next_day = <day>
next_booked = [<interview>@<slot>/<room>, ...]`

// noPrev is how the prompt shows the previous action before the first step.
const noPrev = "none (this is the first step)"

// Hint is what the task attaches to its prompts for the simulator's oracle.
type Hint = scenario.Hint[State]

// Prompt implements [maker.Task]: the facts of the day being scheduled,
// the previous action and the state. No earlier day and no earlier step is
// shown.
func (t *Task) Prompt(s State, prev string, _ int) maker.Prompt {
	p := t.p
	var b strings.Builder
	day, _, _, ok := p.scheduling(s)
	if !ok {
		day = s.Day
	}
	if day != s.Day {
		fmt.Fprintf(&b, "Every interview of day %d is booked: a new day starts. Day %d is scheduled from no bookings.\n\n", s.Day, day)
	}
	fmt.Fprintf(&b, "Day %d has slots 1 to %d. Rooms (capacity): ", day, p.slots)
	for i, r := range p.rooms {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%d)", r.Name, r.Capacity)
	}
	fmt.Fprintf(&b, ".\nInterviews of day %d, in the order they are placed:\n", day)
	var panel []string
	for _, iv := range p.byDay[day] {
		pref := "no preference"
		if ps := p.preferred[iv.Candidate]; len(ps) > 0 {
			pref = "prefers slots " + joinInts(ps)
			if len(ps) == 1 {
				pref = "prefers slot " + joinInts(ps)
			}
		}
		fmt.Fprintf(&b, "- %s: candidate %s (%s), panel %s, needs a room for %d\n", iv.ID, iv.Candidate, pref, strings.Join(iv.Panel, ", "), len(iv.Panel)+1)
		for _, m := range iv.Panel {
			if !slices.Contains(panel, m) {
				panel = append(panel, m)
			}
		}
	}
	fmt.Fprintf(&b, "Availability on day %d:\n", day)
	for _, m := range scenario.Sorted(panel) {
		fmt.Fprintf(&b, "- %s: slots %s\n", m, slotList(p.avail[m][day]))
	}
	shown := noPrev
	if prev != "" {
		shown = "place = " + prev
	}
	fmt.Fprintf(&b, "\nPrevious action: %s\nCurrent state:\nday = %d\nbooked = %s\n", shown, s.Day, formatBookings(s.Booked, ", "))
	b.WriteString("\nFollow the rule for one step. Finish your answer with:\nplace = <interview>@<slot>/<room>\nnext_day = <day>\nnext_booked = [...]")
	return maker.Prompt{System: systemPrompt, User: b.String(), Hint: Hint{State: s, Prev: prev}}
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ", ")
}
