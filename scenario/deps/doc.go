// Package deps is dependency resolution as a [maker.Task]: find the build
// order of a module graph, one model call per module.
//
// The procedure the model follows is Kahn's algorithm with a fixed
// tie-break: build the module with the smallest name among those whose
// dependencies are all built. Each step therefore has exactly one right
// answer, which is what lets independent samples agree.
//
// The state the model carries is the frontier, not the graph or the
// history: the ready list, and for modules with some but not all
// dependencies built, how many are still missing. The prompt adds the
// static facts the step needs (who depends on each ready module, and how
// many dependencies each of those has in all), so a model can decide the
// next module and write the next state from one prompt, at any graph size.
package deps
