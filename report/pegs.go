package report

import (
	"fmt"
	"html/template"

	"github.com/maker-go/maker/hanoi"
)

// pegsView is a Hanoi state drawn with HTML and CSS.
type pegsView struct {
	Disks int
	Pegs  [3][]diskView // bottom to top
	Text  string
}

type diskView struct {
	Size  int
	Style template.CSS
}

// maxFinalText bounds how much of a final state that is not drawn is
// printed.
const maxFinalText = 4000

// final draws a Hanoi state as pegs, or prints any other state.
func final(v any) (*pegsView, string) {
	switch s := v.(type) {
	case nil:
		return nil, ""
	case hanoi.State:
		return drawPegs(s), ""
	case *hanoi.State:
		if s == nil {
			return nil, ""
		}
		return drawPegs(*s), ""
	}
	return nil, clip(fmt.Sprint(v), maxFinalText)
}

func drawPegs(s hanoi.State) *pegsView {
	n := s.Disks()
	pv := &pegsView{Disks: n, Text: s.String()}
	if n == 0 {
		return pv
	}
	height := max(3, min(14, 210/n))
	for p, peg := range s {
		for _, d := range peg {
			width := 18 + 80*float64(d)/float64(n)
			hue := 210 - 200*float64(d-1)/float64(max(n-1, 1))
			pv.Pegs[p] = append(pv.Pegs[p], diskView{Size: d, Style: template.CSS(fmt.Sprintf(
				"width:%.1f%%;height:%dpx;background:hsl(%.0f,65%%,55%%)", width, height, hue))})
		}
	}
	return pv
}
