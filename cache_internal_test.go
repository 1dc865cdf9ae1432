package maker

import (
	"crypto/sha256"
	"hash/maphash"
	"testing"
)

// A run keeps only its last cacheRecent decided steps in memory, however
// long it runs.
func TestCacheRecentIsBounded(t *testing.T) {
	c := &stepCache{recent: map[uint64]int{}, h: sha256.New(), seed: maphash.MakeSeed()}
	var first, last digestKey
	for i := range cacheRecent + 10 {
		d := c.key(1, Prompt{System: "s", User: string(rune(i))})
		if i == 0 {
			first = d
		}
		last = d
		c.remember(d, &StepRecord{Step: i, Action: "a"})
	}
	_, foundFirst := c.find(first)
	_, foundLast := c.find(last)
	if len(c.recent) != cacheRecent || foundFirst || !foundLast {
		t.Errorf("%d steps kept (want %d), the first found %v, the last %v", len(c.recent), cacheRecent, foundFirst, foundLast)
	}
}
