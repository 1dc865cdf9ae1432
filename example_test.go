package maker_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sim"
)

// countdown is a complete task: count down from a number to zero, one voted
// model call per number. The state is the current number.
type countdown struct{ from int }

// The compile-time checks say which optional interfaces the task has.
var (
	_ maker.Task[int]    = countdown{}
	_ maker.Checker[int] = countdown{}
	_ maker.Oracle       = countdown{}
)

// system is the fixed strategy and answer format, the same on every step so
// providers can cache it.
const system = `You count down by one, one step at a time.
Answer with exactly these two lines and nothing else:
action = subtract 1
next = <the number after subtracting 1>`

func (countdown) Name() string { return "countdown" }

func (c countdown) Initial() int { return c.from }

// Prompt shows only the previous action and the current number, and hands
// the number to the oracle through Hint.
func (countdown) Prompt(n int, prev string, step int) maker.Prompt {
	if prev == "" {
		prev = "none (first step)"
	}
	return maker.Prompt{
		System: system,
		User:   fmt.Sprintf("Previous action: %s\nCurrent number: %d", prev, n),
		Hint:   n,
	}
}

// answerRe is the whole answer: two lines, a canonical integer, nothing else.
var answerRe = regexp.MustCompile(`^action = (subtract 1)\nnext = (0|-?[1-9][0-9]*)$`)

// Parse is strict: surrounding blank space is trimmed, anything else that
// differs from the format is an error and red-flags the sample.
func (countdown) Parse(text string) (maker.Candidate[int], error) {
	m := answerRe.FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return maker.Candidate[int]{}, errors.New("countdown: answer not in the format")
	}
	n, err := strconv.Atoi(m[2])
	if err != nil {
		return maker.Candidate[int]{}, fmt.Errorf("countdown: next: %w", err)
	}
	return maker.Candidate[int]{Action: m[1], State: n}, nil
}

// Key votes on the action and the next state together.
func (countdown) Key(c maker.Candidate[int]) string {
	return c.Action + "|" + strconv.Itoa(c.State)
}

func (countdown) Done(n int, _ int) bool { return n == 0 }

func (c countdown) Steps() int { return c.from }

// Answer is the oracle the simulator plays the model from: the right answer
// and two that look right (the number not updated, one subtracted twice).
func (countdown) Answer(p maker.Prompt) (maker.Answer, error) {
	n, ok := p.Hint.(int)
	if !ok {
		return maker.Answer{}, maker.ErrNotMine
	}
	return maker.Answer{Right: render(n - 1), Wrong: []string{render(n), render(n - 2)}}, nil
}

// Check reports a wrong step after the vote; it never filters votes.
func (countdown) Check(step int, before int, c maker.Candidate[int]) error {
	if c.State != before-1 {
		return fmt.Errorf("%d - 1 is %d, not %d", before, before-1, c.State)
	}
	return nil
}

func render(next int) string { return fmt.Sprintf("action = subtract 1\nnext = %d", next) }

// ExampleTask implements a task (countdown, above) and runs it on the
// simulated model, which answers from the task's own oracle with the error
// rates of a real model. Ordered tallying makes the simulated run
// reproducible.
func ExampleTask() {
	task := countdown{from: 50}
	model, err := sim.New(task, sim.DefaultConfig())
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := maker.Run(context.Background(), task, model, maker.Config{K: 2, Ordered: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("success:", res.Summary.Success)
	fmt.Println("steps:", res.Summary.Steps)
	fmt.Println("final state:", res.State)
	fmt.Println("first actions:", res.Actions[:2])
	// Output:
	// success: true
	// steps: 50
	// final state: 0
	// first actions: [subtract 1 subtract 1]
}

// ExampleRun runs the countdown on a simulated model that is wrong on one
// sample in five. Single samples would go wrong about ten times in fifty
// steps; ahead-by-3 voting decides every step right, paying for it in extra
// samples, and the red flags discard the malformed and over-long answers
// before they vote.
func ExampleRun() {
	task := countdown{from: 50}
	cfg := sim.DefaultConfig()
	cfg.ErrorRate = 0.2
	model, err := sim.New(task, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := maker.Run(context.Background(), task, model, maker.Config{K: 3, Ordered: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := res.Summary
	fmt.Println("success:", s.Success, "wrong steps:", s.WrongSteps)
	fmt.Println("more samples than steps*k:", s.Samples > int64(s.Steps*s.K))
	fmt.Println("some answers red-flagged:", s.FlaggedTotal() > 0)
	// Output:
	// success: true wrong steps: 0
	// more samples than steps*k: true
	// some answers red-flagged: true
}

// ExampleChecker shows that a checker reports and never filters: a model
// that always makes the same mistake wins every vote, and the checker marks
// the decided steps wrong after the fact, so the run is not a success. Here
// the wrong states never reach zero, so the run also stops at the task's
// step limit instead of running on.
func ExampleChecker() {
	task := countdown{from: 3}
	stuck := maker.ModelFunc(func(ctx context.Context, req maker.Request) (maker.Response, error) {
		n := req.Hint.(int)
		return maker.Response{Text: render(n - 2), OutputTokens: 10, Finish: maker.FinishStop}, nil
	})
	res, err := maker.Run(context.Background(), task, stuck, maker.Config{K: 2})
	if err != nil {
		fmt.Println("stopped:", err)
	}
	s := res.Summary
	fmt.Println("success:", s.Success, "wrong steps:", s.WrongSteps, "first wrong:", *s.FirstWrongStep)
	fmt.Println("why:", s.FirstWrongWhy)
	// Output:
	// stopped: after 3 steps: step limit reached without finishing
	// success: false wrong steps: 3 first wrong: 1
	// why: 3 - 1 is 2, not 1
}

// ExampleDecide replays recorded votes with a margin: with k = 2 the answer
// "b" wins on the sixth vote, the first time it leads by two; the first
// four votes alone decide nothing.
func ExampleDecide() {
	votes := []string{"a", "b", "b", "a", "b", "b"}
	winner, used, ok := maker.Decide(votes, 2)
	fmt.Println(winner, used, ok)
	_, _, ok = maker.Decide(votes[:4], 2)
	fmt.Println("after four votes:", ok)
	// Output:
	// b 6 true
	// after four votes: false
}
