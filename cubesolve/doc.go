// Package cubesolve solves the Rubik's cube as a MAKER task: the model
// follows a stated layer-by-layer method one algorithm at a time.
package cubesolve
