// Package deploy is the rolling deployment scenario as a MAKER task: a
// fleet of services, each a few instances running as HTTP servers on
// loopback behind a load balancer that routes only to the instances in
// rotation, is moved to a new version one instance at a time: drain,
// upgrade, health check, back into rotation; critical services go canary
// first, every stage is verified, and an instance that comes up unhealthy
// is rolled back (its dependents are held). The model is the policy, one
// voted call per action; the fleet is the transition. A prober keeps
// calling every service through its load balancer during the run and
// records any failed request: a correct run has none.
package deploy
