package runs

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/maker-go/maker"
)

// cacheVersion is the version of the task kinds' prompts and answer
// formats as the decision cache sees them: raising it puts every run
// after it in a scope of its own, for a change to a task's Prompt, Parse
// or Key that would make an earlier run's steps mean something else.
const cacheVersion = "1"

// useCache gives the run the journal's decision cache, unless --no-cache
// or there is no journal. Its scope names everything besides the engine's
// settings and the prompt that can change a vote: the task kind, the
// models and the settings that shape their answers.
func (e Execution[S]) useCache(jr *journaling, cfg *maker.Config) {
	if e.flags.noCache || jr == nil || jr.db == nil || e.WrapModel != nil {
		// A wrapper's per-step model settings (wrapModel) may depend on
		// the step, which the digest does not see: such a task votes
		// every step.
		return
	}
	cj, ok := jr.db.(maker.CachingJournal)
	if !ok {
		return
	}
	cfg.Cache = cj.DecisionCache()
	cfg.CacheScope = e.cacheScope()
	cfg.CacheOrigin = jr.id
}

// cacheScope is the run's cache scope: the kind and the model flags.
func (e Execution[S]) cacheScope() string {
	f := e.flags
	parts := []string{
		"version=" + cacheVersion,
		"kind=" + e.Kind,
		"model=" + f.model,
		"seed=" + strconv.FormatUint(f.seed, 10),
		"sim-error=" + strconv.FormatFloat(f.simError, 'g', -1, 64),
		"base-url=" + f.baseURL,
	}
	// A later run replays an earlier run's steps with the task as it is
	// now: the parameters the task was built from are in the scope.
	if e.CacheScope != nil {
		parts = append(parts, e.CacheScope()...)
	} else if b, err := json.Marshal(e.Params); err == nil {
		parts = append(parts, "params="+string(b))
	}
	return strings.Join(parts, "\n")
}
