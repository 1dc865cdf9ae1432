package openai

import (
	"context"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/providertest"
)

// FuzzDecode feeds arbitrary chat-completion bodies through the bare
// model's batch call (the SDK's decoding, the usage check, the split of
// the choices, and the fill-in of missing ones).
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"move 1 from 0 to 2"},"finish_reason":"stop"}],"usage":{"prompt_tokens":120,"completion_tokens":9,"total_tokens":129,"prompt_tokens_details":{"cached_tokens":20}}}`,
		`{"choices":[{"message":{"content":"a"},"finish_reason":"length"},{"message":{"content":"bb"},"finish_reason":"stop"},{"message":{"content":""}}],"usage":{"prompt_tokens":10,"completion_tokens":7}}`,
		`{"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens":-1000000000,"completion_tokens":9223372036854775806}}`,
		`{"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens":1e30,"completion_tokens":"7"}}`,
		`{"choices":[],"usage":{}}`,
		`{"choices":null}`,
		`{"choices":[{"message":{"content":"a"}}`,
		`[]`,
		`null`,
		``,
		`{"error":{"message":"nope"}}`,
	} {
		f.Add([]byte(seed))
	}
	srv := providertest.NewBodyServer(f)
	f.Setenv("MAKER_FUZZ_KEY", testKey)
	p, _ := PresetFor("vllm")
	m, err := New(p, maker.ModelSpec{Name: "vllm/m", BaseURL: srv.URL + "/v1", APIKeyEnv: "MAKER_FUZZ_KEY"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		srv.Set(body)
		m.noN.Store(false)
		const n = 3
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		rs, err := m.GenerateBatch(ctx, maker.Request{Prompt: maker.Prompt{User: "u"}, MaxTokens: 50}, n)
		if ctx.Err() != nil {
			t.Fatalf("no answer within 2s: %v", err)
		}
		providertest.CheckDecoded(t, rs, err, n, testKey)
	})
}
