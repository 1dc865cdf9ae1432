package tasks

import (
	"encoding/json"

	"github.com/maker-go/maker/cube"
	"github.com/maker-go/maker/runs"
)

// Cube are the params of a Rubik's cube run: a scramble, or a random one
// from a seed.
type Cube struct {
	Scramble     string  `json:"scramble,omitempty" jsonschema:"scramble in standard notation, e.g. R U R' U' (default: random from scramble_seed)"`
	ScrambleSeed *uint64 `json:"scramble_seed,omitempty" jsonschema:"seed of the random 25-move scramble; default 1"`
	NoOptimal    bool    `json:"no_optimal,omitempty" jsonschema:"skip the two-phase comparison solve"`
}

// DefaultScrambleSeed is the scramble seed of maker cube with no flags.
const DefaultScrambleSeed = 1

func init() {
	register(runs.Kind{
		Name: "cube", Command: "cube",
		Summary: "a Rubik's cube by a layer-by-layer method, one voted model call per algorithm",
		Example: json.RawMessage(`{"scramble_seed":7}`),
	}, func(p *Cube, _ runs.Settings) error {
		var start cube.Cube
		switch {
		case p.Scramble != "" && p.ScrambleSeed != nil:
			return fieldErr("scramble_seed", "give params.scramble or params.scramble_seed, not both")
		case p.Scramble != "":
			moves, err := cube.ParseMoves(p.Scramble)
			if err != nil {
				return fieldErr("scramble", "%v", err)
			}
			start, p.Scramble = moves.Cube(), moves.String()
		default:
			seed := uint64(DefaultScrambleSeed)
			if p.ScrambleSeed != nil {
				seed = *p.ScrambleSeed
			}
			var moves cube.Sequence
			start, moves = cube.Scramble(seed)
			// The journal keeps the scramble, as the command line's run does.
			p.Scramble, p.ScrambleSeed = moves.String(), nil
		}
		if start.IsSolved() {
			return fieldErr("scramble", "the scramble leaves the cube solved: nothing to do")
		}
		return nil
	})
}
