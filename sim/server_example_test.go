package sim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

// The simulated model behind an OpenAI-compatible endpoint: it reads the
// Hanoi prompt and answers in the task's format, marked as simulated.
func ExampleNewServer() {
	cfg := sim.DefaultConfig()
	cfg.ErrorRate = 0
	srv, err := sim.NewServer([]maker.Oracle{hanoi.Oracle()}, sim.ServerConfig{Model: cfg})
	if err != nil {
		panic(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	task, _ := hanoi.New(3)
	p := task.Prompt(task.Initial(), "", 0)
	body, _ := json.Marshal(map[string]any{
		"model":    "sim",
		"messages": []map[string]string{{"role": "system", "content": p.System}, {"role": "user", "content": p.User}},
		"n":        2,
	})
	resp, err := http.Post(ts.URL+"/v1/chat/completions", "application/json", bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var out struct {
		Model   string `json:"model"`
		Choices []struct {
			Message struct{ Content string } `json:"message"`
		} `json:"choices"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	fmt.Println(out.Model, resp.Header.Get(sim.SimulatedHeader), len(out.Choices))
	fmt.Println(out.Choices[0].Message.Content)
	// Output:
	// sim (simulated) true 2
	// Following the procedure, the next move takes disk 1 from peg 0 to peg 2.
	// move = [1, 0, 2]
	// next_state = [[3, 2], [], [1]]
}
