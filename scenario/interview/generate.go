package interview

import (
	"fmt"

	"github.com/maker-go/maker/scenario"
)

// Generator shapes: a day of eight one-hour slots, five interviews a day,
// three rooms whose names do not sort by size, and a pool of eight
// interviewers.
const (
	genSlots  = 8
	genPerDay = 5
)

var (
	genRooms        = []Room{{"room-a", 2}, {"room-b", 4}, {"room-c", 3}}
	genInterviewers = []string{"alice", "bob", "carol", "dan", "erin", "frank", "grace", "heidi"}
	genCandidates   = []string{"ana", "ben", "chen", "dara", "eli"}
)

// Generate returns a scheduling problem of n interviews for a seed: five
// interviews a day over eight slots, candidates with one to three
// interviews and a few preferred slots, panels of one to three from eight
// interviewers with seeded availability, and three rooms of 2, 3 and 4
// seats. A day the rule cannot complete is drawn again, so every generated
// instance loads.
func Generate(n int, seed uint64) (*Instance, error) {
	if n < 1 || n > MaxSize {
		return nil, fmt.Errorf("interview: size must be between 1 and %d, got %d", MaxSize, n)
	}
	rng := scenario.Rand(seed, 0x1e57)
	days := (n + genPerDay - 1) / genPerDay
	in := &Instance{Days: days, Slots: genSlots, Rooms: genRooms}
	avail := make([]map[int][]int, len(genInterviewers))
	for i := range avail {
		avail[i] = map[int][]int{}
	}
	idWidth := len(fmt.Sprint(n))
	next := 1
	for day := 1; day <= days; day++ {
		count := min(genPerDay, n-next+1)
		for attempt := 0; ; attempt++ {
			if attempt == 1000 {
				return nil, fmt.Errorf("interview: no feasible day %d after %d draws", day, attempt)
			}
			var dayIn Instance
			dayIn.Days, dayIn.Slots, dayIn.Rooms = 1, genSlots, genRooms
			dayAvail := make([][]int, len(genInterviewers))
			for i, name := range genInterviewers {
				perm := rng.Perm(genSlots)
				k := 4 + rng.IntN(4)
				slots := make([]int, 0, k)
				for _, s := range perm[:k] {
					slots = append(slots, s+1)
				}
				dayAvail[i] = sortedInts(slots)
				dayIn.Interviewers = append(dayIn.Interviewers, Interviewer{Name: name, Available: map[int][]int{1: dayAvail[i]}})
			}
			left := count
			for c := 0; left > 0; c++ {
				cn := fmt.Sprintf("c%0*d", idWidth, next+count-left)
				if days == 1 && c < len(genCandidates) {
					cn = genCandidates[c]
				}
				var pref []int
				if rng.IntN(4) > 0 {
					perm := rng.Perm(genSlots)
					for _, s := range perm[:1+rng.IntN(3)] {
						pref = append(pref, s+1)
					}
				}
				dayIn.Candidates = append(dayIn.Candidates, Candidate{Name: cn, Preferred: sortedInts(pref)})
				loops := min(left, 1+rng.IntN(3))
				for range loops {
					id := fmt.Sprintf("i%0*d", idWidth, next+count-left)
					perm := rng.Perm(len(genInterviewers))
					panel := make([]string, 0, 3)
					for _, m := range perm[:1+rng.IntN(3)] {
						panel = append(panel, genInterviewers[m])
					}
					dayIn.Interviews = append(dayIn.Interviews, Interview{ID: id, Day: 1, Candidate: cn, Panel: panel})
					left--
				}
			}
			if dayIn.Validate() != nil {
				continue
			}
			for i := range genInterviewers {
				avail[i][day] = dayAvail[i]
			}
			in.Candidates = append(in.Candidates, dayIn.Candidates...)
			for _, iv := range dayIn.Interviews {
				iv.Day = day
				in.Interviews = append(in.Interviews, iv)
			}
			break
		}
		next += count
	}
	for i, name := range genInterviewers {
		in.Interviewers = append(in.Interviewers, Interviewer{Name: name, Available: avail[i]})
	}
	return in, nil
}

func sortedInts(xs []int) []int {
	out := append([]int{}, xs...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	if out == nil {
		out = []int{}
	}
	return out
}
