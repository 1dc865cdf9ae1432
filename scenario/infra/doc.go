// Package infra is infrastructure provisioning as a [maker.Task]: bring up
// a set of cloud resources with dependencies (a VPC before its subnets,
// subnets before databases, databases before the apps that use them), at
// most a few provisioning at once, one model call per event.
//
// Each step is one event, chosen by a stated rule, so every step has
// exactly one right answer:
//
//  1. If fewer resources are provisioning than the limit and some resource
//     is ready (all its dependencies complete), start the ready resource
//     with the smallest name; it will finish at the current minute plus
//     its provisioning time.
//  2. Otherwise complete the provisioning resource that finishes first
//     (ties: the smallest name); the clock moves to its finish minute, and
//     the resources that depend on it have one dependency fewer to wait for.
//
// The state the model carries is the clock, the resources provisioning with
// their finish minutes, the ready list and the waiting counts; the prompt
// adds the static facts the step needs (provisioning times of the ready
// resources, dependents of the provisioning ones). After the run the
// decided events are replayed into a schedule and its cost.
package infra
