// Package scenario holds what the six real-world scenarios share: the
// strict parsing of answers, the one strict loader of instance files, the
// dependency graph and its frontier, the oracle helpers the simulator
// answers through, and the list formatters of prompts and vote keys.
//
// The scenarios come in two families.
//
// The model is the transition: the model computes the next state from the
// current one, and a checker verifies every decided step after the fact.
//
//   - deps: the build order of a module graph (Kahn's algorithm with a
//     stated tie-break).
//   - infra: provisioning cloud resources, at most a few at once.
//   - interview: booking a week of interviews into rooms and slots.
//
// The world is the transition: the model decides an action, the action is
// carried out against a real system, and what the system reports is the
// next state. The model's answer is two lines, the action and the state it
// expects (see [ParseAnswer]).
//
//   - apitest: an HTTP test suite against a live service.
//   - deploy: a zero-downtime rollout across a local fleet.
//   - migrate: a sixteen-step migration of a real SQLite file.
//
// Every scenario has the same shape: Generate(size, seed) for a seeded
// instance, Load(path) and Read(r) for one from JSON (through [Load] and
// [Read], so all six reject the same things), and New for the task, which
// is also its own simulator oracle.
//
// The scenarios keep the state a model carries small: instead of the whole
// graph or the whole history, a state holds the frontier (what is ready,
// and how many dependencies the partly released items still wait for), so a
// model can decide one step from the state alone and write the next one in
// a few lines.
package scenario
