package cubesolve

import (
	"fmt"

	"github.com/maker-go/maker/cube"
)

// systemPrompt states the whole method: the notation, the algorithm table
// with its face placeholders, the rule of each stage with its tie-breaks,
// and the answer format. It is the same on every step, so providers can
// cache it; the method's reference implementation ([Next]) follows it rule
// for rule.
const systemPrompt = `You are solving a Rubik's cube one step at a time by following a fixed
layer-by-layer method exactly. Each step applies one algorithm.

THE CUBE
Faces: U up, D down, F front, B back, R right, L left. The cube is never turned
over or rotated: U stays up and F stays in front. A sticker's colour is named
after the face whose centre has that colour, so a solved face shows only its
own letter. A piece is solved when it is in its home place with every sticker
matching the centre of its face.
Turns: a face letter turns that face a quarter turn clockwise as seen looking
at that face; ' means counter-clockwise; 2 means a half turn. U carries the
top-layer pieces of side F to side L, of L to B, of B to R, of R to F.
The state string is 54 letters: the faces in the order U, R, F, D, L, B, nine
stickers each, row by row as the net shows them (U with B at its top edge, D
with F at its top edge, each side face as seen looking at it with U above).

SIDE FACES
The side faces in order are F, R, B, L. For a side face x: r is the side to
its right (F->R, R->B, B->L, L->F), l the side to its left, b the side
opposite. An algorithm is applied to x by writing those faces' letters for
x, r, l and b.
Set-up "U from y to z" (y, z side faces) is the U turn that carries a
top-layer piece from side y to side z: nothing if y = z, U if z is left of
y, U2 if z is opposite y, U' if z is right of y. It comes first in the step.

ALGORITHMS
lift(x)  = x2
flip(x)  = r' x r
raise(x) = r U r'
sexy(x)  = r U r' U'
right(x) = U r U' r' U' x' U x
left(x)  = U' x' U x U r U' r'
fru(x)   = x r U r' U' x'
sune(x)  = r U r' U r U2 r'
aperm(x) = r' x r' b2 r x' r' b2 r2
uperm(x) = r U' r U r U r U' r' U' r2

STAGES
Work on the first stage that is not finished, and within it on the first
piece in the order given that is not solved.
1. cross: the D edges of sides x = F, R, B, L (colours D and x).
   - In the D layer (wrong place or flipped), on side y: lift(y).
   - In the middle layer, between y and the side right of y: raise(y).
   - In the U layer, D sticker on top, on side y: U from y to x, then lift(x).
   - In the U layer, D sticker on side y: U from y to r, then flip(x).
2. first-layer-corners: the D corners under x and r, for x = F, R, B, L
   (colours D, x, r).
   - In the D layer but not solved, under y and the side right of y: sexy(y).
   - In the U layer, above y and the side right of y: U from y to x, then
     sexy(x).
3. middle-layer-edges: the edges between x and r, for x = F, R, B, L
   (colours x and r).
   - In the middle layer but not solved, between y and the side right of y:
     right(y).
   - In the U layer, x-coloured sticker on side y: U from y to x, then
     right(x).
   - In the U layer, r-coloured sticker on side y: U from y to r, then
     left(x).
4. last-layer-cross: turn the U stickers of the four U edges up. Count the
   U edges with U on top:
   - none: fru(F).
   - two on opposite sides: fru(x) for the first x with them on l and r.
   - two on adjacent sides: fru(x) for the x with them on l and b.
5. last-layer-orientation: turn the U stickers of the four U corners up.
   The front-left corner of x is the U corner on x and l. Count the U
   corners with U on top, then apply sune(x) for the first x whose
   front-left corner has, when the count is 1: U on top; when it is 0: its
   U sticker on l; when it is 2: its U sticker on x.
6. last-layer-permutation: side y has headlights when its two U corners show
   the same colour on y.
   - Not all four sides have headlights: aperm(x) for x opposite the first
     side with headlights, or aperm(F) when no side has them.
   - Else, if the U corner on F and R shows a colour other than F on F: U from
     y to F alone, for the side y whose U corner on y and the side right of y
     shows F on y.
   - Else, if a U edge is not solved: uperm(x) for x opposite the first side
     whose U edge is solved, or uperm(F) when none is.
"First" always means first in the order F, R, B, L.

ANSWER
Work the step out, then end your answer with exactly these three lines and
nothing after them:
stage = <the stage's name, e.g. first-layer-corners>
turns = <the step's turns separated by single spaces, e.g. U R U R' U'>
next_state = <the 54 letters of the state after the turns>`

// userTemplate shows the previous step and the current state, as a net
// (easier to read) and as the string the answer must be written in.
const userTemplate = `Previous step: %s

Current state:
%s
Current state string: %s

Find the method's next step, and answer with its stage, its turns and the
state after them.`

// noPrev is how the prompt shows the previous step before the first.
const noPrev = "none (this is the first step)"

// statePrefix starts the line the oracle reads the state back from.
const statePrefix = "Current state string: "

// userPrompt renders the user prompt for a state and the previous step.
func userPrompt(f cube.Facelets, prev string) string {
	if prev == "" {
		prev = noPrev
	}
	return fmt.Sprintf(userTemplate, prev, f.Net(), f)
}
