// Package cube models the 3x3x3 Rubik's cube and solves it with Kociemba's
// two-phase algorithm.
//
// It exists so that MAKER tasks can use the cube as a long, exactly checkable
// sequence of single steps: every state has a compact canonical string (a vote
// key), every move can be verified by applying it, and a reference solver
// supplies ground-truth solutions. The package is pure Go and depends on
// nothing else in maker.
//
// The state is held at the cubie level ([Cube]: corner and edge permutation
// and orientation), because that is what the solver's coordinates are built
// from and because it makes invalid states unrepresentable after moves. The
// sticker-level view ([Facelets]) is derived from it for rendering, parsing
// and vote keys.
//
// Conventions follow Kociemba's public description of the algorithm: faces
// are ordered U, R, F, D, L, B; corners URF, UFL, ULB, UBR, DFR, DLF, DBL, DRB;
// edges UR, UF, UL, UB, DR, DF, DL, DB, FR, FL, BL, BR. A quarter turn is
// clockwise when looking at the face.
package cube
