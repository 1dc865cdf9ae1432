package maker_test

import (
	"fmt"
	"strconv"

	"github.com/maker-go/maker"
)

func fmtG(f float64) string { return strconv.FormatFloat(f, 'f', 10, 64) }

// Two spellings of one JSON state have one vote key.
func ExampleCanonicalJSON() {
	a, _ := maker.CanonicalJSON(`{"stock": {"pears": 1.50, "apples": 3}, "step": 2}`)
	b, _ := maker.CanonicalJSON(`{"step":2,"stock":{"apples":3,"pears":1.5}}`)
	fmt.Println(a)
	fmt.Println(a == b)
	// Output:
	// {"step":2,"stock":{"apples":3,"pears":1.5}}
	// true
}

func ExampleCanonicalNumber() {
	for _, s := range []string{"1.50", "15e-1", "-0", "9007199254740993"} {
		k, _ := maker.CanonicalNumber(s)
		fmt.Println(k)
	}
	// Output:
	// 1.5
	// 1.5
	// 0
	// 9007199254740993
}

// A tolerance is a key when it is a grid: 2.004 and 1.996 round to the
// same point, 2.00 and 2.01 (a whole tolerance apart) never do.
func ExampleNumberGrid() {
	g, _ := maker.NewNumberGrid("0.01")
	for _, s := range []string{"2.004", "1.996", "2.00", "2.01"} {
		k, _ := g.Key(s)
		fmt.Println(s, k)
	}
	// Output:
	// 2.004 2
	// 1.996 2
	// 2.00 2
	// 2.01 2.01
}

func ExampleReplaceNumbers() {
	fmt.Println(maker.ReplaceNumbers("total: 12.50 after 3 steps (v1.2.3)", maker.CanonicalNumber))
	// Output: total: 12.5 after 3 steps (v1.2.3)
}
