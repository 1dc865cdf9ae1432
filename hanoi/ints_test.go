package hanoi

import (
	"slices"
	"testing"
)

// TestAppendInts: the one-pass reader of the lists every answer has reads
// them as the general reader does, and leaves everything else to it.
func TestAppendInts(t *testing.T) {
	tests := []struct {
		body string
		want []int
		bad  bool
	}{
		{"", nil, false},
		{"  \t", nil, false},
		{"3, 2, 1", []int{3, 2, 1}, false},
		{" 20,19 ,\n18 ", []int{20, 19, 18}, false},
		{"1,", []int{1}, false},
		{"1, ", []int{1}, false},
		{"-1, 0, 007", []int{-1, 0, 7}, false},
		{",", nil, true},
		{"1,,2", nil, true},
		{"1, ,", nil, true},
		{"1 2", nil, true},
		{"+1", nil, true},
		{"-", nil, true},
		{"- 1", nil, true},
		{"one", nil, true},
		{"1.5", nil, true},
		{"99999999999999999999", nil, true},
		{"123456789012345678", []int{123456789012345678}, false},
		{"1,\u00a02", []int{1, 2}, false}, // a no-break space, which TrimSpace trims
		{"\u00a01", []int{1}, false},
	}
	for _, tt := range tests {
		prefix := []int{9}
		got, err := appendInts(prefix, tt.body)
		if (err != nil) != tt.bad {
			t.Errorf("appendInts(%q): error %v, want error %v", tt.body, err, tt.bad)
			continue
		}
		if err == nil && !slices.Equal(got, append([]int{9}, tt.want...)) {
			t.Errorf("appendInts(%q) = %v, want [9] then %v", tt.body, got, tt.want)
		}
		ref, rerr := readInts([]int{9}, tt.body)
		if (rerr != nil) != (err != nil) || !slices.Equal(ref, got) {
			t.Errorf("appendInts(%q) = %v, %v; the general reader gives %v, %v", tt.body, got, err, ref, rerr)
		}
	}
}
