package requirements

import (
	"testing"

	"github.com/maker-go/maker/internal/golden"
)

// TestPromptGolden pins the prompts of every step of a scripted request (the
// purpose proposals, the choice among them, the feature proposals, scope and
// acceptance criteria: 30 steps), so an edit to a prompt shows up in review
// as a diff of testdata/. After an intended change:
// go test ./requirements/ -update.
func TestPromptGolden(t *testing.T) {
	const request = "Build a URL shortener"
	intent, err := Scripted(request)
	if err != nil {
		t.Fatal(err)
	}
	task, err := New(request, Options{Intent: intent})
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/prompt_url_shortener.golden", golden.Prompts(t, task, intent, 200))
}
