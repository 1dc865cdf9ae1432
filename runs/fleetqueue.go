package runs

import "errors"

// enqueueJob queues a service's run for the fleet.
func (e Execution[S]) enqueueJob(cmd session) (string, error) {
	if e.runner == nil || e.runner.Queue == nil {
		return "", errors.New("runs: the runner has no fleet queue")
	}
	if err := e.flags.validate(); err != nil {
		return "", err
	}
	id, _, err := e.queueRun(cmd)
	return id, err
}

func (w WorldExecution[S]) enqueueJob(cmd session) (string, error) { return w.E.enqueueJob(cmd) }
