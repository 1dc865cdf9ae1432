package anthropic_test

import (
	"context"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/anthropic"
	"github.com/maker-go/maker/internal/providertest"
)

// FuzzDecode feeds arbitrary Messages API bodies through the bare model
// (the SDK's decoding, the usage check, the text and finish reason).
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"text","text":"move 1 from 0 to 2"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":100,"cache_read_input_tokens":20,"cache_creation_input_tokens":5,"output_tokens":9}}`,
		`{"content":[{"type":"thinking","thinking":"x","signature":"s"},{"type":"text","text":"a"},{"type":"text","text":"b"}],"stop_reason":"max_tokens","usage":{"input_tokens":1,"output_tokens":50}}`,
		`{"content":[{"type":"text","text":"a"}],"usage":{"input_tokens":-1000000000,"output_tokens":9223372036854775806}}`,
		`{"content":[{"type":"text","text":"a"}],"usage":{"input_tokens":9223372036854775807,"cache_read_input_tokens":9223372036854775807,"cache_creation_input_tokens":9223372036854775807,"output_tokens":1}}`,
		`{"content":[{"type":"text","text":"a"}],"usage":{"input_tokens":"7","output_tokens":1.5}}`,
		`{"content":null}`,
		`{"content":[{"type":"text"`,
		`[]`,
		``,
	} {
		f.Add([]byte(seed))
	}
	srv := providertest.NewBodyServer(f)
	m, err := anthropic.New(anthropic.Config{Model: "claude-haiku-4-5", APIKey: fakeKey, BaseURL: srv.URL})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		srv.Set(body)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		r, err := m.Generate(ctx, maker.Request{Prompt: maker.Prompt{User: "u"}, MaxTokens: 50})
		if ctx.Err() != nil {
			t.Fatalf("no answer within 2s: %v", err)
		}
		providertest.CheckDecoded(t, []maker.Response{r}, err, 1, fakeKey)
	})
}
