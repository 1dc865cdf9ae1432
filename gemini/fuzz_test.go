package gemini_test

import (
	"context"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/gemini"
	"github.com/maker-go/maker/internal/providertest"
)

// FuzzDecode feeds arbitrary generateContent bodies through the bare
// model's batch call (the SDK's decoding, the usage check, the placing of
// candidates by index and the split of the output tokens).
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"candidates":[{"content":{"parts":[{"text":"thinking","thought":true},{"text":"move 1 from 0 to 2"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":100,"cachedContentTokenCount":20,"candidatesTokenCount":9,"thoughtsTokenCount":4},"modelVersion":"gemini-2.5-flash"}`,
		`{"candidates":[{"content":{"parts":[{"text":"c"}]},"finishReason":"STOP","index":2},{"content":{"parts":[{"text":"a"}]},"finishReason":"MAX_TOKENS","index":0}],"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":7}}`,
		`{"candidates":[{"content":{"parts":[{"text":"a"}]},"index":5},{"index":-1},null],"usageMetadata":{"promptTokenCount":-1000000000,"candidatesTokenCount":2147483647,"thoughtsTokenCount":2147483647}}`,
		`{"candidates":[],"promptFeedback":{"blockReason":"SAFETY","blockReasonMessage":"no"}}`,
		`{"candidates":[{"content":null}],"usageMetadata":{"promptTokenCount":"x"}}`,
		`{"candidates":[{"content":{"parts":[{"text":"a"}`,
		`[]`,
		`null`,
		``,
	} {
		f.Add([]byte(seed))
	}
	srv := providertest.NewBodyServer(f)
	m, err := gemini.New(context.Background(), gemini.Config{Model: "gemini-2.5-flash", APIKey: fakeKey, BaseURL: srv.URL + "/"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		srv.Set(body)
		const n = 3
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		rs, err := m.GenerateBatch(ctx, maker.Request{Prompt: maker.Prompt{User: "u"}, MaxTokens: 50}, n)
		if ctx.Err() != nil {
			t.Fatalf("no answer within 2s: %v", err)
		}
		providertest.CheckDecoded(t, rs, err, n, fakeKey)
	})
}
