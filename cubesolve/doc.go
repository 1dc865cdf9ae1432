// Package cubesolve solves the Rubik's cube as a MAKER task: the model
// follows a stated layer-by-layer method, one voted model call per
// algorithm.
//
// The method is the classic beginner's method (cross, first-layer corners,
// middle-layer edges, last-layer cross, last-layer orientation, last-layer
// permutation) made fully deterministic, so that every state has exactly
// one right next step and votes can agree on it:
//
//   - The cube is never rotated. Every algorithm is written for a side face
//     x with its neighbours named relative to it, and applied to a named
//     face, so the answer is a plain face-turn sequence with one spelling.
//   - Pieces are solved in a fixed order, each rule names the face it is
//     applied to, and every choice between faces is broken by the order
//     F, R, B, L.
//   - A step is one algorithm application, preceded by the U turn that sets
//     it up, not a whole stage: short enough for one call to get right.
//
// [Next] is the method in Go, rule for rule as the system prompt states it;
// it is the reference the checker holds each decided step to and the
// simulator's oracle answers from. Each step strictly raises a progress
// measure (stage, solved pieces of the stage, the phase of the piece being
// worked on), and the last-layer stages are checked on all 62,208
// last-layer states, so the method cannot loop.
//
// The method is not short: about 30 steps and 160 turns from a random
// scramble, against about 20 for the two-phase solver in package cube.
// Voting makes each step the method's step; it does nothing to make the
// method good.
package cubesolve
