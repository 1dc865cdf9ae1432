package interview

import (
	"fmt"
	"io"
	"math/bits"
	"sort"
	"strings"

	"github.com/maker-go/maker/scenario"
)

// Sizes of the generated instances, in interviews.
const (
	DefaultSize = 5
	LargeSize   = 10000
	MaxSize     = 1_000_000
	// MaxSlots is the most slots a day may have.
	MaxSlots = 48
	// MaxDays is the most days an instance may span.
	MaxDays = 1_000_000
)

// Room is a room and how many people it holds.
type Room struct {
	Name     string `json:"name"`
	Capacity int    `json:"capacity"`
}

// Interviewer is a panel member and the slots they are free, per day.
type Interviewer struct {
	Name string `json:"name"`
	// Available maps a day (1-based) to the slots (1-based) the
	// interviewer can be in an interview.
	Available map[int][]int `json:"available"`
}

// Candidate is a person being interviewed and the slots they prefer.
type Candidate struct {
	Name      string `json:"name"`
	Preferred []int  `json:"preferred"`
}

// Interview is one interview: a candidate meets a panel on a given day.
type Interview struct {
	ID        string   `json:"id"`
	Day       int      `json:"day"`
	Candidate string   `json:"candidate"`
	Panel     []string `json:"panel"`
}

// Instance is a scheduling problem, as stored in an instance file. Every
// day has the same slots, numbered 1 to Slots.
type Instance struct {
	Days         int           `json:"days"`
	Slots        int           `json:"slots"`
	Rooms        []Room        `json:"rooms"`
	Interviewers []Interviewer `json:"interviewers"`
	Candidates   []Candidate   `json:"candidates"`
	Interviews   []Interview   `json:"interviews"`
}

// problem is a validated instance, indexed for the rule.
type problem struct {
	slots     int
	rooms     []Room                   // by capacity, then name
	roomCap   map[string]int           //
	avail     map[string]map[int]int64 // interviewer -> day -> slot bitmask (bit s for slot s)
	preferred map[string][]int         // candidate -> sorted preferred slots
	order     []*Interview             // by day, then id
	byID      map[string]*Interview    //
	byDay     map[int][]*Interview     // in order
	days      []int                    // days with interviews, ascending
}

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: %s", scenario.ErrInstance, fmt.Sprintf(format, args...))
}

// validate checks the instance's structure and that the rule can place
// every interview; errors wrap [scenario.ErrInstance] and name the culprit.
func (in *Instance) validate() (*problem, error) {
	switch {
	case in.Slots < 1 || in.Slots > MaxSlots:
		return nil, bad("slots must be between 1 and %d, got %d", MaxSlots, in.Slots)
	case in.Days < 1 || in.Days > MaxDays:
		return nil, bad("days must be between 1 and %d, got %d", MaxDays, in.Days)
	case len(in.Interviews) == 0:
		return nil, bad("no interviews")
	case len(in.Interviews) > MaxSize:
		return nil, bad("%d interviews, at most %d", len(in.Interviews), MaxSize)
	case len(in.Rooms) == 0:
		return nil, bad("no rooms")
	}
	p := &problem{slots: in.Slots, roomCap: map[string]int{}, avail: map[string]map[int]int64{}, preferred: map[string][]int{}, byID: map[string]*Interview{}, byDay: map[int][]*Interview{}}
	names := map[string]string{} // every name -> what it names, so one name means one thing
	claim := func(name, what string) error {
		if err := scenario.CheckName(name); err != nil {
			return bad("%s: %v", what, err)
		}
		if other, dup := names[name]; dup {
			return bad("%s %s: the name is already used for %s", what, name, article(other))
		}
		names[name] = what
		return nil
	}
	for _, r := range in.Rooms {
		if err := claim(r.Name, "room"); err != nil {
			return nil, err
		}
		if r.Capacity < 1 {
			return nil, bad("room %s: capacity must be at least 1, got %d", r.Name, r.Capacity)
		}
		p.rooms = append(p.rooms, r)
		p.roomCap[r.Name] = r.Capacity
	}
	sort.Slice(p.rooms, func(i, j int) bool {
		if p.rooms[i].Capacity != p.rooms[j].Capacity {
			return p.rooms[i].Capacity < p.rooms[j].Capacity
		}
		return p.rooms[i].Name < p.rooms[j].Name
	})
	for _, iv := range in.Interviewers {
		if err := claim(iv.Name, "interviewer"); err != nil {
			return nil, err
		}
		p.avail[iv.Name] = map[int]int64{}
		for day, slots := range iv.Available {
			if day < 1 || day > in.Days {
				return nil, bad("interviewer %s: availability for day %d, but days are 1 to %d", iv.Name, day, in.Days)
			}
			for _, s := range slots {
				if s < 1 || s > in.Slots {
					return nil, bad("interviewer %s: day %d: slot %d, but slots are 1 to %d", iv.Name, day, s, in.Slots)
				}
				p.avail[iv.Name][day] |= 1 << s
			}
		}
	}
	for _, c := range in.Candidates {
		if err := claim(c.Name, "candidate"); err != nil {
			return nil, err
		}
		seen := map[int]bool{}
		for _, s := range c.Preferred {
			if s < 1 || s > in.Slots {
				return nil, bad("candidate %s: preferred slot %d, but slots are 1 to %d", c.Name, s, in.Slots)
			}
			if seen[s] {
				return nil, bad("candidate %s: preferred slot %d listed twice", c.Name, s)
			}
			seen[s] = true
		}
		p.preferred[c.Name] = append([]int{}, c.Preferred...)
		sort.Ints(p.preferred[c.Name])
	}
	for i := range in.Interviews {
		iv := &in.Interviews[i]
		if err := claim(iv.ID, "interview"); err != nil {
			return nil, err
		}
		if iv.Day < 1 || iv.Day > in.Days {
			return nil, bad("interview %s: day %d, but days are 1 to %d", iv.ID, iv.Day, in.Days)
		}
		if names[iv.Candidate] != "candidate" {
			return nil, bad("interview %s: unknown candidate %q", iv.ID, iv.Candidate)
		}
		if len(iv.Panel) == 0 {
			return nil, bad("interview %s: empty panel", iv.ID)
		}
		seen := map[string]bool{}
		for _, m := range iv.Panel {
			if names[m] != "interviewer" {
				return nil, bad("interview %s: unknown interviewer %q", iv.ID, m)
			}
			if seen[m] {
				return nil, bad("interview %s: interviewer %s is on the panel twice", iv.ID, m)
			}
			seen[m] = true
		}
		p.byID[iv.ID] = iv
		p.order = append(p.order, iv)
	}
	sort.SliceStable(p.order, func(i, j int) bool {
		if p.order[i].Day != p.order[j].Day {
			return p.order[i].Day < p.order[j].Day
		}
		return p.order[i].ID < p.order[j].ID
	})
	for _, iv := range p.order {
		if len(p.byDay[iv.Day]) == 0 {
			p.days = append(p.days, iv.Day)
		}
		p.byDay[iv.Day] = append(p.byDay[iv.Day], iv)
	}
	for _, iv := range p.order {
		if err := p.feasibleAlone(iv); err != nil {
			return nil, err
		}
	}
	// The rule must complete: run it once, and name the interview it
	// cannot place.
	var day []Booking
	for i, iv := range p.order {
		if i > 0 && p.order[i-1].Day != iv.Day {
			day = nil
		}
		b, ok := p.place(iv, day)
		if !ok {
			return nil, bad("the rule cannot place interview %s on day %d after %s: %s", iv.ID, iv.Day, bookedText(day), p.why(iv, day))
		}
		day = append(day, b)
	}
	return p, nil
}

// article puts "a" or "an" before a kind of thing.
func article(what string) string {
	if strings.ContainsRune("aeiou", rune(what[0])) {
		return "an " + what
	}
	return "a " + what
}

// feasibleAlone reports an interview that no schedule could hold: no room
// large enough, or no slot where the whole panel is available.
func (p *problem) feasibleAlone(iv *Interview) error {
	need := len(iv.Panel) + 1
	if largest := p.rooms[len(p.rooms)-1]; largest.Capacity < need {
		return bad("interview %s needs a room for %d people (panel of %d and the candidate), but the largest room, %s, holds %d", iv.ID, need, len(iv.Panel), largest.Name, largest.Capacity)
	}
	common := int64(-1)
	for _, m := range iv.Panel {
		common &= p.avail[m][iv.Day]
	}
	if common&^1 == 0 {
		return bad("interview %s: its panel (%s) is never available together on day %d", iv.ID, strings.Join(iv.Panel, ", "), iv.Day)
	}
	return nil
}

// Validate reports what is wrong with the instance, or nil.
func (in *Instance) Validate() error {
	_, err := in.validate()
	return err
}

// Load reads and validates an instance file.
func Load(path string) (*Instance, error) { return scenario.Load(path, (*Instance).Validate) }

// Read is [Load] from a reader.
func Read(r io.Reader) (*Instance, error) { return scenario.Read(r, (*Instance).Validate) }

// slotList writes the slots of a bitmask: "1, 2, 5".
func slotList(mask int64) string {
	var parts []string
	for m := uint64(mask) &^ 1; m != 0; m &= m - 1 {
		parts = append(parts, fmt.Sprint(bits.TrailingZeros64(m)))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
