package scenario

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// FormatList writes names as "[a, b, c]" in the given order.
func FormatList(names []string) string { return "[" + strings.Join(names, ", ") + "]" }

// FormatCounts writes counts as "[a:2, b:1]" sorted by name.
func FormatCounts(m map[string]int) string {
	keys := SortedKeys(m)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ":" + strconv.Itoa(m[k])
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// CompactList and CompactCounts are the spaceless forms used in vote keys.
func CompactList(names []string) string { return "[" + strings.Join(names, ",") + "]" }

// CompactCounts is [FormatCounts] without spaces.
func CompactCounts(m map[string]int) string {
	return strings.ReplaceAll(FormatCounts(m), ", ", ",")
}

// SortedKeys returns the keys of m in byte order.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Sorted returns a sorted copy of names.
func Sorted(names []string) []string {
	out := append([]string(nil), names...)
	sort.Strings(out)
	return out
}

// FormatHead writes the first n names as [FormatList] does and says how
// many follow, for a summary line of a long list.
func FormatHead(names []string, n int) string {
	if len(names) <= n {
		return FormatList(names)
	}
	return fmt.Sprintf("%s ... and %d more", FormatList(names[:n]), len(names)-n)
}
