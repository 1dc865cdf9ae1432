package cube

import "strings"

// Net renders the cube as an unfolded net, the layout people and language
// models read most reliably:
//
//	        U U U
//	        U U U
//	        U U U
//	L L L   F F F   R R R   B B B
//	L L L   F F F   R R R   B B B
//	L L L   F F F   R R R   B B B
//	        D D D
//	        D D D
//	        D D D
//
// Each letter is a sticker colour named after the face whose centre has that
// colour. Stickers are separated by spaces so that tokenizers see one letter
// per token, and faces by three spaces. Lines have no trailing spaces and
// the result ends with a newline.
func (c Cube) Net() string { return c.Facelets().Net() }

// Net renders the facelets as an unfolded net; see [Cube.Net].
func (f Facelets) Net() string {
	const indent = "        " // width of one face row plus the gap
	var b strings.Builder
	row := func(face Face, r int) {
		for k := range 3 {
			if k > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(f[9*int(face)+3*r+k].String())
		}
	}
	for r := range 3 {
		b.WriteString(indent)
		row(FaceU, r)
		b.WriteByte('\n')
	}
	for r := range 3 {
		for i, face := range [...]Face{FaceL, FaceF, FaceR, FaceB} {
			if i > 0 {
				b.WriteString("   ")
			}
			row(face, r)
		}
		b.WriteByte('\n')
	}
	for r := range 3 {
		b.WriteString(indent)
		row(FaceD, r)
		b.WriteByte('\n')
	}
	return b.String()
}
