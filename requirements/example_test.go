package requirements_test

import (
	"context"
	"fmt"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/requirements"
	"github.com/maker-go/maker/sim"
)

// Example defines the requirements of a scripted request on the simulated
// model, where the scripted user intent plays the model, and prints the
// decisions. On a real model, open it with maker.OpenModel and leave the
// Intent out.
func Example() {
	const request = "Build a URL shortener"
	intent, err := requirements.Scripted(request)
	if err != nil {
		fmt.Println(err)
		return
	}
	task, err := requirements.New(request, requirements.Options{Intent: intent})
	if err != nil {
		fmt.Println(err)
		return
	}
	model, err := sim.New(intent, sim.DefaultConfig())
	if err != nil {
		fmt.Println(err)
		return
	}
	tracker := requirements.NewTracker(task)
	res, err := maker.Run(context.Background(), task, requirements.WithProposalTemperature(model, 0.8), maker.Config{
		K: 3, KPolicy: task.KPolicy(3), Ordered: true, Observers: []maker.Observer{tracker},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := requirements.Export(res.State, tracker, &res.Summary)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("purpose:", r.Purpose)
	fmt.Println("non-goals:", len(r.NonGoals))
	for _, f := range r.InScope {
		fmt.Printf("in scope: %s (%d criteria)\n", f.ID, len(f.AcceptanceCriteria))
	}
	// Output:
	// purpose: Let a client turn a long URL into a short code, and redirect anyone who opens the short URL to the original URL.
	// non-goals: 15
	// in scope: shorten-url (2 criteria)
	// in scope: redirect (2 criteria)
	// in scope: rate-limiting (2 criteria)
}

// ExampleCatalogue_CheckCriterion runs the quality gates on criteria of the
// create-task feature.
func ExampleCatalogue_CheckCriterion() {
	cat := requirements.DefaultCatalogue()
	for _, c := range []string{
		"WHEN a client POSTs /tasks with a title THEN the API returns 201 and the new task",
		"The API should be fast.",
		"WHEN a client lists 1000 tasks THEN the API responds fast, within 200 ms",
		"WHEN a client creates a task THEN the client is satisfied with the result",
		"WHEN a task is created THEN the API returns 201 and sends an email notification",
	} {
		fmt.Printf("%q: %s\n", requirements.GateOf(cat.CheckCriterion("create-task", c)), c)
	}
	// Output:
	// "": WHEN a client POSTs /tasks with a title THEN the API returns 201 and the new task
	// "vague": The API should be fast.
	// "": WHEN a client lists 1000 tasks THEN the API responds fast, within 200 ms
	// "untestable": WHEN a client creates a task THEN the client is satisfied with the result
	// "off_purpose": WHEN a task is created THEN the API returns 201 and sends an email notification
}
