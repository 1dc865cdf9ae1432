package report

import (
	"fmt"
	"html/template"
	"reflect"
)

// Pegged is a state made of pegs of numbered disks, such as a Towers of
// Hanoi state: the report draws it instead of printing it. Pegs lists each
// peg bottom to top; disks are numbered from 1, the smallest. The report
// knows no task: any state with this method is drawn.
type Pegged interface {
	Pegs() [][]int
}

// pegsView is a pegged state drawn with HTML and CSS.
type pegsView struct {
	Disks int
	Pegs  [][]diskView // bottom to top
	Text  string
}

type diskView struct {
	Size  int
	Style template.CSS
}

// maxFinalText bounds how much of a final state that is not drawn is
// printed.
const maxFinalText = 4000

// maxPegs is the most pegs drawn; a state with more is printed instead.
const maxPegs = 12

// final draws a pegged state, or prints any other state.
func final(v any) (*pegsView, string) {
	if v == nil {
		return nil, ""
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return nil, ""
	}
	if p, ok := v.(Pegged); ok {
		if pv := drawPegs(p.Pegs(), fmt.Sprint(v)); pv != nil {
			return pv, ""
		}
	}
	return nil, clip(fmt.Sprint(v), maxFinalText)
}

// drawPegs draws pegs of disks, or returns nil when they cannot be drawn
// (no pegs, too many, or a disk that is not a positive number).
func drawPegs(pegs [][]int, text string) *pegsView {
	if len(pegs) == 0 || len(pegs) > maxPegs {
		return nil
	}
	n, largest := 0, 0
	for _, peg := range pegs {
		for _, d := range peg {
			if d < 1 {
				return nil
			}
			n, largest = n+1, max(largest, d)
		}
	}
	pv := &pegsView{Disks: n, Pegs: make([][]diskView, len(pegs)), Text: clip(text, maxFinalText)}
	if n == 0 {
		return pv
	}
	height := max(3, min(14, 210/largest))
	for p, peg := range pegs {
		for _, d := range peg {
			width := 18 + 80*float64(d)/float64(largest)
			hue := 210 - 200*float64(d-1)/float64(max(largest-1, 1))
			pv.Pegs[p] = append(pv.Pegs[p], diskView{Size: d, Style: template.CSS(fmt.Sprintf(
				"width:%.1f%%;height:%dpx;background:hsl(%.0f,65%%,55%%)", width, height, hue))})
		}
	}
	return pv
}
