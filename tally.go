package maker

// Tally counts votes for one step and decides it by first-to-ahead-by-k: a
// candidate wins the moment it has k more votes than any other. With a
// single candidate the empty maximum is 0, so it wins at exactly k votes.
// Votes are counted in the order they are added; a tie is no lead.
type Tally struct {
	k      int
	cands  []tallied // in order of first vote
	votes  int
	winner string
	// room holds the one or two candidates nearly every step has, so a
	// tally of a million-step run allocates nothing beyond itself.
	room [2]tallied
}

// tallied is a candidate's key and its votes. A step has a handful of
// candidates at most, so a list searched in order beats a map.
type tallied struct {
	key   string
	votes int
}

// NewTally starts a tally with margin k (k < 1 is taken as 1).
func NewTally(k int) *Tally {
	t := new(Tally)
	t.reset(k)
	return t
}

// reset starts the tally again with margin k (k < 1 is taken as 1).
func (t *Tally) reset(k int) {
	*t = Tally{k: max(k, 1)}
	t.cands = t.room[:0]
}

// Add counts one vote and reports whether it decided the step. Votes after
// the decision are ignored.
func (t *Tally) Add(key string) bool {
	if t.winner != "" {
		return false
	}
	i := t.find(key)
	if i < 0 {
		i = len(t.cands)
		t.cands = append(t.cands, tallied{key: key})
	}
	t.cands[i].votes++
	t.votes++
	if leader, lead := t.Lead(); lead >= t.k {
		t.winner = leader
		return true
	}
	return false
}

// find is the index of key's candidate, -1 before its first vote.
func (t *Tally) find(key string) int {
	for i := range t.cands {
		if t.cands[i].key == key {
			return i
		}
	}
	return -1
}

// Lead returns the candidate with the most votes and its margin over the
// runner-up. Among equals the first to get its votes leads, with lead 0.
func (t *Tally) Lead() (leader string, lead int) {
	best, second := -1, 0
	for _, c := range t.cands {
		if c.votes > best {
			if best >= 0 {
				second = best
			}
			best, leader = c.votes, c.key
		} else if c.votes > second {
			second = c.votes
		}
	}
	if best < 0 {
		return "", 0
	}
	return leader, best - second
}

// Need is how many more votes the leader needs to win if they all go its way.
func (t *Tally) Need() int {
	if t.winner != "" {
		return 0
	}
	_, lead := t.Lead()
	return t.k - lead
}

// Winner returns the deciding key, or "" while the step is undecided.
func (t *Tally) Winner() string { return t.winner }

// Votes is the number of votes counted.
func (t *Tally) Votes() int { return t.votes }

// K is the margin the tally decides at.
func (t *Tally) K() int { return t.k }

// Count returns the votes for key.
func (t *Tally) Count(key string) int {
	if i := t.find(key); i >= 0 {
		return t.cands[i].votes
	}
	return 0
}

// KeyCount is one line of a tally.
type KeyCount struct {
	Key   string `json:"key"`
	Votes int    `json:"votes"`
}

// Counts returns the tally, most votes first (first voted first among equals).
func (t *Tally) Counts() []KeyCount {
	out := make([]KeyCount, len(t.cands))
	for i, c := range t.cands {
		out[i] = KeyCount{Key: c.key, Votes: c.votes}
	}
	// An insertion sort: stable, and a tally has a handful of lines.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Votes > out[j-1].Votes; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Decide replays a sequence of votes with margin k and returns the winner and
// how many votes it took, or ok=false when the votes run out first. It is how
// a recorded run is re-decided with another k.
func Decide(keys []string, k int) (winner string, used int, ok bool) {
	t := NewTally(k)
	for i, key := range keys {
		if t.Add(key) {
			return key, i + 1, true
		}
	}
	return "", len(keys), false
}

// StepReplay is one recorded step re-decided from its votes by [Redecide].
type StepReplay struct {
	Step        int    `json:"step"` // 1-based
	RecordedK   int    `json:"recorded_k"`
	RecordedKey string `json:"recorded_key"`
	Votes       int    `json:"votes"` // valid votes the run recorded
	K           int    `json:"k"`
	// Decided is false when the recorded votes run out before a candidate
	// is ahead by K: the run stopped sampling once its own k was reached,
	// so a larger k would have needed samples that were never drawn.
	Decided bool   `json:"decided"`
	Key     string `json:"key,omitempty"` // the winner under K
	Used    int    `json:"used"`          // votes it took
}

// Same reports whether the step is decided as the run decided it.
func (s StepReplay) Same() bool { return s.Decided && s.Key == s.RecordedKey }

// Redecide re-decides a recorded step with margin k (k < 1: the step's own
// k) from its valid votes in arrival order, the order the run counted them
// in, by [Decide]. Flagged and cancelled samples never voted and are
// skipped. With the step's own k it decides every step as the run did.
func Redecide(rec *StepRecord, k int) StepReplay {
	if k < 1 {
		k = rec.K
	}
	keys := make([]string, 0, rec.Votes)
	// An escalated step was decided by the escalation model's votes alone.
	escalated := rec.DecidedBy() != ""
	for _, s := range rec.Samples {
		if s.Voted && s.Escalated == escalated {
			keys = append(keys, s.Key)
		}
	}
	winner, used, ok := Decide(keys, k)
	return StepReplay{Step: rec.Step + 1, RecordedK: rec.K, RecordedKey: rec.Key, Votes: len(keys), K: k, Decided: ok, Key: winner, Used: used}
}
