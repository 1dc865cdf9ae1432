package openai

import (
	"strings"

	"github.com/maker-go/maker/provider"
)

// Preset is an OpenAI-compatible endpoint known by a prefix: where it
// listens, which environment variable holds its key, where its prices are
// listed, and which request fields it understands.
type Preset struct {
	// Prefix selects the preset in a model name: "groq/llama-3.3-70b".
	Prefix string
	// BaseURL is the default endpoint (--base-url overrides it).
	BaseURL string
	// KeyEnv is the variable the API key is read from (--api-key-env
	// overrides it). Empty for local servers, which need none.
	KeyEnv string
	// Catalog is the catwalk provider id prices are looked up in ("" when
	// the catalog has none).
	Catalog string
	// Local servers charge nothing per token.
	Local bool
	// Batch: the endpoint honours n>1, so a step's first votes can share one
	// request and the prompt is billed once.
	Batch bool
	// MaxCompletionTokens sends max_completion_tokens (OpenAI's current
	// name, required by its reasoning models) instead of max_tokens, which
	// every other compatible server reads.
	MaxCompletionTokens bool
	// Structured: the endpoint takes response_format json_schema for every
	// model it serves, so a task's answer schema ([maker.Structured])
	// constrains the answers. Endpoints where only some models take it
	// leave it off (a request with it would fail on the others).
	Structured bool
	// About is one line for the docs and `maker models`.
	About string
}

// presets are the OpenAI-compatible endpoints this package registers.
var presets = []Preset{
	{Prefix: "openai", BaseURL: "https://api.openai.com/v1", KeyEnv: "OPENAI_API_KEY", Catalog: "openai", Batch: true, MaxCompletionTokens: true, Structured: true, About: "OpenAI"},
	{Prefix: "openrouter", BaseURL: "https://openrouter.ai/api/v1", KeyEnv: "OPENROUTER_API_KEY", Catalog: "openrouter", Structured: true, About: "OpenRouter (models named vendor/model)"},
	{Prefix: "groq", BaseURL: "https://api.groq.com/openai/v1", KeyEnv: "GROQ_API_KEY", Catalog: "groq", About: "Groq"},
	{Prefix: "together", BaseURL: "https://api.together.xyz/v1", KeyEnv: "TOGETHER_API_KEY", Batch: true, Structured: true, About: "Together AI"},
	{Prefix: "deepseek", BaseURL: "https://api.deepseek.com/v1", KeyEnv: "DEEPSEEK_API_KEY", Catalog: "deepseek", About: "DeepSeek"},
	{Prefix: "mistral", BaseURL: "https://api.mistral.ai/v1", KeyEnv: "MISTRAL_API_KEY", Batch: true, Structured: true, About: "Mistral"},
	{Prefix: "xai", BaseURL: "https://api.x.ai/v1", KeyEnv: "XAI_API_KEY", Catalog: "xai", Batch: true, Structured: true, About: "xAI"},
	{Prefix: "fireworks", BaseURL: "https://api.fireworks.ai/inference/v1", KeyEnv: "FIREWORKS_API_KEY", Catalog: "fireworks", Batch: true, Structured: true, About: "Fireworks AI"},
	{Prefix: "litellm", BaseURL: "http://127.0.0.1:4000/v1", KeyEnv: "LITELLM_API_KEY", Catalog: "openai", Batch: true, Structured: true, About: "a LiteLLM proxy (its key is optional)"},
	{Prefix: "ollama", BaseURL: "http://127.0.0.1:11434/v1", Local: true, Structured: true, About: "Ollama on this machine"},
	{Prefix: "vllm", BaseURL: "http://127.0.0.1:8000/v1", Local: true, Batch: true, Structured: true, About: "a vLLM server on this machine"},
	{Prefix: "lmstudio", BaseURL: "http://127.0.0.1:1234/v1", Local: true, Structured: true, About: "LM Studio on this machine"},
	{Prefix: "llamacpp", BaseURL: "http://127.0.0.1:8080/v1", Local: true, Structured: true, About: "llama.cpp's llama-server on this machine"},
}

// description is what `maker models` and `maker plan` know of the preset.
func (p Preset) description() provider.Description {
	return provider.Description{Prefix: p.Prefix, BaseURL: p.BaseURL, KeyEnv: p.KeyEnv, Catalog: p.Catalog, Local: p.Local, Structured: p.Structured, About: p.About}
}

// Presets lists the registered OpenAI-compatible presets.
func Presets() []Preset { return append([]Preset(nil), presets...) }

// PresetFor returns the preset registered under prefix.
func PresetFor(prefix string) (Preset, bool) {
	for _, p := range presets {
		if p.Prefix == prefix {
			return p, true
		}
	}
	return Preset{}, false
}

// keyOptional: a LiteLLM proxy runs with or without a master key, so a
// missing LITELLM_API_KEY is no error there.
func (p Preset) keyOptional() bool { return p.Local || strings.HasPrefix(p.Prefix, "litellm") }
