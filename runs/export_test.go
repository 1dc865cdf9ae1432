package runs

// Described opens the run a job describes as r would run it, without
// running it: the tests of what a service accepts.
func Described(r *Runner, job *Job) (any, error) { return r.described(job) }
